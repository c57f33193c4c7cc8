import { workspaceOf } from './workspace';

describe('the workspace a validation is judged against', () => {
  it('is the operator\'s root when the agent sends no cwd', () => {
    expect(workspaceOf('/workspace', undefined)).toEqual({ workspaceRoot: '/workspace' });
  });

  it('narrows to a cwd inside the root', () => {
    expect(workspaceOf('/workspace', '/workspace/app')).toEqual({ workspaceRoot: '/workspace/app' });
    expect(workspaceOf('/workspace', '/workspace/app/')).toEqual({ workspaceRoot: '/workspace/app' });
    expect(workspaceOf('/workspace', '/workspace')).toEqual({ workspaceRoot: '/workspace' });
  });

  it('never widens to a cwd outside the root: relative paths resolve there, the workspace stays', () => {
    expect(workspaceOf('/workspace', '/')).toEqual({ workspaceRoot: '/workspace', cwd: '/' });
    expect(workspaceOf('/workspace', '/etc')).toEqual({ workspaceRoot: '/workspace', cwd: '/etc' });
    expect(workspaceOf('/workspace', '/workspace/../etc')).toEqual({ workspaceRoot: '/workspace', cwd: '/etc' });
    expect(workspaceOf('/workspace', '/workspace-evil')).toEqual({ workspaceRoot: '/workspace', cwd: '/workspace-evil' });
  });

  it('ignores a cwd that is not an absolute path', () => {
    expect(workspaceOf('/workspace', 'app')).toEqual({ workspaceRoot: '/workspace' });
    expect(workspaceOf('/workspace', '/a\0b')).toEqual({ workspaceRoot: '/workspace' });
  });
});
