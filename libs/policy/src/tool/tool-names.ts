// Canonical names of the tools agents call (Claude Code's names) and the other spellings other
// MCP clients use for the same thing.

/** Every tool the policy language knows; a rule naming anything else fails to load. */
export const TOOL_NAMES = [
  'Bash', 'Write', 'Edit', 'MultiEdit', 'Read', 'NotebookEdit', 'NotebookRead', 'Glob', 'Grep', 'LS',
  'WebFetch', 'WebSearch', 'Task', 'TodoWrite',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** How each tool is normalised. */
export const TOOL_KINDS: Readonly<Record<ToolName, 'shell' | 'write' | 'read' | 'other'>> = {
  Bash: 'shell',
  Write: 'write', Edit: 'write', MultiEdit: 'write', NotebookEdit: 'write',
  Read: 'read', NotebookRead: 'read', Glob: 'read', Grep: 'read', LS: 'read',
  WebFetch: 'other', WebSearch: 'other', Task: 'other', TodoWrite: 'other',
};

const ALIASES: Readonly<Record<string, ToolName>> = {
  shell: 'Bash', sh: 'Bash', terminal: 'Bash', run_shell_command: 'Bash', run_terminal_cmd: 'Bash',
  execute_command: 'Bash', exec_command: 'Bash', run_command: 'Bash',
  write_file: 'Write', create_file: 'Write',
  edit_file: 'Edit', str_replace: 'Edit', replace: 'Edit', str_replace_editor: 'Edit',
  multi_edit: 'MultiEdit', read_file: 'Read', view_file: 'Read', notebook_edit: 'NotebookEdit',
  search_file_content: 'Grep', list_directory: 'LS', web_fetch: 'WebFetch', fetch: 'WebFetch', web_search: 'WebSearch',
  todo_write: 'TodoWrite',
};

const BY_LOWER: ReadonlyMap<string, ToolName> = new Map([
  ...TOOL_NAMES.map((name): [string, ToolName] => [name.toLowerCase(), name]),
  ...Object.entries(ALIASES),
]);

/** The canonical name of `tool`, or undefined when it is not a tool we know. */
export function canonicalToolName(tool: string): ToolName | undefined {
  return BY_LOWER.get(tool.trim().toLowerCase());
}
