import { mountedPaths } from './mount-point';

describe('mount points from /proc/mounts', () => {
  it('reads the second field of every line, decoding the kernel octal escapes', () => {
    const mounts = [
      'proc /proc proc rw,nosuid 0 0',
      'lighthouse /mnt/lighthouse fuse rw,nosuid,nodev,user_id=0,group_id=0,allow_other 0 0',
      'lighthouse /tmp/with\\040space\\011tab fuse rw 0 0',
      '',
    ].join('\n');
    expect(mountedPaths(mounts)).toEqual(['/proc', '/mnt/lighthouse', '/tmp/with space\ttab']);
  });
});
