// Stands in for fuse-native on a machine without libfuse 2: loading it throws what requiring
// fuse-native throws there. Used by the lazy-binding tests (the loader is pointed here).
throw new Error('libfuse.so.2: cannot open shared object file: No such file or directory');
