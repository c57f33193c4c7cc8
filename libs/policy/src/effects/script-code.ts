/** What inline code was found to do. Paths are literals; `undefined` means computed at run time. */
export interface CodeFindings {
  /** Why the code cannot be understood, when it cannot. */
  opaque?: string;
  /** Shell command lines the code runs (literal strings given to system/exec/popen…). */
  shell: string[];
  deletes: (string | undefined)[];
  writes: (string | undefined)[];
  reads: (string | undefined)[];
  network: boolean;
  env: boolean;
  spawns: boolean;
  forkLoop: boolean;
  kills: boolean;
  privilege?: string;
}

export const emptyFindings = (): CodeFindings => ({ shell: [], deletes: [], writes: [], reads: [], network: false, env: false, spawns: false, forkLoop: false, kills: false });

const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`;
const literalArg = (call: string) => new RegExp(String.raw`${call}\s*\(?\s*(?:\[\s*)?${STRING}`, 'g');

/** Modules whose use we understand as harmless in a one-liner. */
const PYTHON_SAFE = new Set(['sys', 'json', 're', 'math', 'datetime', 'time', 'collections', 'itertools', 'functools', 'pathlib', 'platform',
  'hashlib', 'base64', 'uuid', 'random', 'string', 'textwrap', 'pprint', 'csv', 'yaml', 'toml', 'tomllib', 'typing', 'dataclasses', 'decimal',
  'fractions', 'statistics', 'glob', 'fnmatch', 'struct', 'binascii', 'zlib', 'locale', 'calendar', 'site', 'sysconfig', 'importlib', 'os',
  'os.path', 'shlex', 'argparse', 'configparser', 'secrets', 'html', 'xml', 'unicodedata', 'operator', 'copy', 'enum', 'numbers', 'keyword',
  'django', 'flask', 'numpy', 'pandas', 'torch', 'setuptools', 'pip', 'pkg_resources', 'ssl', 'certifi', 'pytest', 'tokenize', 'ast', 'dis',
  'inspect', 'this', 'antigravity', 'io', 'codecs', 'difflib', 'heapq', 'bisect', 'array', 'weakref', 'contextlib', 'abc', 'tempfile', 'gzip',
  'zipfile', 'tarfile', 'sqlite3', 'logging', 'warnings', 'traceback', 'timeit', 'cProfile', 'multiprocessing', 'threading', 'asyncio', 'requests',
  'urllib', 'urllib.request', 'urllib.parse', 'http', 'http.client', 'httpx', 'socket', 'subprocess', 'shutil', 'signal', 'pty', 'ctypes']);

const PYTHON: Record<string, RegExp> = {
  shell: /\b(os\.(system|popen|exec\w*|spawn\w*)|subprocess\.\w+|commands\.getoutput|pty\.spawn|check_output|check_call|Popen|getoutput|getstatusoutput)\s*\(/,
  del: /\b(shutil\.rmtree|os\.(remove|unlink|rmdir|removedirs)|\.unlink|\.rmdir|rmtree|send2trash)\s*\(/,
  net: /\b(socket|urllib|urlopen|requests\.|http\.client|httpx|aiohttp|smtplib|ftplib|telnetlib|paramiko|websocket|urllib3)\b/,
  env: /\b(os\.environ|os\.getenv|environ\b|getenv)\b/,
  opaque: /\b(exec|eval|compile|__import__|execfile|marshal\.loads|pickle\.loads|ctypes|cffi|getattr\s*\(\s*(os|subprocess|shutil|__builtins__))\s*\(?|\bimportlib\.import_module\b|codecs\.decode\s*\(.*rot/,
  fork: /\bos\.fork\s*\(|\bos\.forkpty\b/,
  kill: /\bos\.(kill|killpg)\s*\(/,
  priv: /\bos\.(setuid|setgid|seteuid|chroot)\s*\(|os\.chmod\s*\([^)]*0o?[2-7][0-7]{3}/,
};

/** Conservative recognition of Python, Perl, Ruby, PHP and awk one-liners. */
export function analyseScriptText(code: string, language: string): CodeFindings {
  switch (language) {
    case 'python':
      return python(code);
    case 'perl':
      return generic(code, PERL);
    case 'ruby':
      return generic(code, RUBY);
    case 'php':
      return generic(code, PHP);
    case 'awk':
      return awk(code);
    case 'powershell':
      return generic(code, POWERSHELL);
    case 'lua':
      return generic(code, LUA);
    default:
      return { ...emptyFindings(), opaque: 'code of an interpreter the validator does not analyse' };
  }
}

function python(code: string): CodeFindings {
  const out = emptyFindings();
  const imports = [...code.matchAll(/(?:^|[;\n]\s*|\s)(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))/g)].flatMap((m) => (m[1] ? [m[1]] : (m[2] ?? '').split(',').map((x) => x.trim().split(/\s+as\s+/)[0] ?? '')));
  const unknown = imports.filter((name) => name !== '' && !PYTHON_SAFE.has(name) && !PYTHON_SAFE.has(name.split('.')[0] ?? ''));
  if (unknown.length > 0) out.opaque = `imports ${unknown.slice(0, 3).join(', ')}`;
  if (PYTHON['opaque']?.test(code)) out.opaque = 'computes code at run time (exec/eval/__import__/ctypes)';
  const decoded = [...code.matchAll(/b64decode\(\s*b?['"]([A-Za-z0-9+/=]{4,4096})['"]\s*\)/g)].map((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8'));
  if (decoded.length > 0 && PYTHON['shell']?.test(code)) out.shell.push(...decoded);
  if (/\\x[0-9a-f]{2}|\\u00|bytes\.fromhex|codecs\.decode/i.test(code) && PYTHON['shell']?.test(code)) out.opaque = 'runs decoded text';
  collectShell(code, out, /\b(?:os\.(?:system|popen|exec\w*|spawn\w*)|subprocess\.\w+|commands\.getoutput|pty\.spawn|check_output|check_call|Popen|getoutput)/, PYTHON['shell']);
  collectPaths(code, out.deletes, /\b(?:shutil\.rmtree|os\.(?:remove|unlink|rmdir|removedirs)|rmtree)/, PYTHON['del']);
  for (const m of code.matchAll(new RegExp(String.raw`\bopen\s*\(\s*(?:${STRING}|([^,)]+))\s*(?:,\s*${STRING})?`, 'g'))) {
    const path = m[1] ?? m[2];
    const mode = m[4] ?? m[5] ?? 'r';
    (/[wax+]/.test(mode) ? out.writes : out.reads).push(path);
  }
  for (const m of code.matchAll(new RegExp(String.raw`\b(?:Path|pathlib\.Path)\s*\(\s*${STRING}\s*\)\s*\.\s*(write_text|write_bytes|unlink|rmdir|read_text|read_bytes)`, 'g'))) {
    const path = m[1] ?? m[2];
    const op = m[3] ?? '';
    (op.startsWith('write') ? out.writes : op.startsWith('read') ? out.reads : out.deletes).push(path);
  }
  if (/\.(write_text|write_bytes)\s*\(/.test(code) && out.writes.length === 0) out.writes.push(undefined);
  out.network = PYTHON['net']?.test(code) ?? false;
  out.env = PYTHON['env']?.test(code) ?? false;
  out.spawns = /\b(pty\.spawn|subprocess|os\.dup2|os\.exec)|\/bin\/(ba)?sh/.test(code);
  out.forkLoop = (PYTHON['fork']?.test(code) ?? false) && /\bwhile\b|\bfor\b/.test(code);
  out.kills = PYTHON['kill']?.test(code) ?? false;
  if (PYTHON['priv']?.test(code)) out.privilege = 'setuid';
  return out;
}

interface Dialect {
  shell: RegExp;
  shellCall: RegExp;
  del: RegExp;
  delCall: RegExp;
  net: RegExp;
  env: RegExp;
  opaque: RegExp;
  fork: RegExp;
  kill: RegExp;
  write: RegExp;
}

const PERL: Dialect = {
  shell: /\b(system|exec)\b|`|\bqx\s*[({/|'"!]|\bopen\s*\(?\s*\w*\s*,?\s*["']\s*\||\|\s*["']\s*\)/,
  shellCall: /\b(?:system|exec|qx)/,
  del: /\b(unlink|rmdir|rmtree|remove_tree)\b/,
  delCall: /\b(?:unlink|rmdir|rmtree|remove_tree)/,
  net: /\b(IO::Socket|Socket|LWP|HTTP::Tiny|Net::|socket\s*\(|connect\s*\()/,
  env: /\$ENV\b|%ENV\b/,
  opaque: /\beval\b|\bpack\s*\(|\bdo\s+["']|\brequire\s+\$|\bsyscall\b|\\x[0-9a-f]{2}.*\b(system|exec)\b/i,
  fork: /\bfork\b/,
  kill: /\bkill\b/,
  write: /\bopen\s*\(?\s*(my\s+)?\$?\w+\s*,\s*["']\s*(>|>>|\+<)/,
};
const LUA: Dialect = {
  shell: /\b(os\.execute|io\.popen)\b/,
  shellCall: /\b(?:os\.execute|io\.popen)/,
  del: /\b(os\.remove|lfs\.rmdir)\b/,
  delCall: /\b(?:os\.remove|lfs\.rmdir)/,
  net: /\b(socket|http\.request|luasocket|ltn12)\b/,
  env: /\bos\.getenv\b/,
  opaque: /\b(load|loadstring|loadfile|dofile|require\s*\(?\s*["'](ffi|posix)|package\.loadlib)\b/,
  fork: /\bposix\.fork\b/,
  kill: /\bposix\.kill\b/,
  write: /\bio\.open\s*\([^)]*,\s*["'][wa]/,
};
const RUBY: Dialect = {
  shell: /\b(system|exec|spawn|IO\.popen|Open3|%x)\b|`|%x[({[]/,
  shellCall: /\b(?:system|exec|spawn|IO\.popen|Open3\.\w+)/,
  del: /\b(FileUtils\.(rm\w*|remove\w*)|File\.(delete|unlink)|Dir\.(rmdir|delete|unlink))\b/,
  delCall: /\b(?:FileUtils\.(?:rm\w*|remove\w*)|File\.(?:delete|unlink)|Dir\.(?:rmdir|delete|unlink))/,
  net: /\b(TCPSocket|UDPSocket|Socket|Net::HTTP|open-uri|URI\.open|Faraday|HTTParty|RestClient)\b/,
  env: /\bENV\b/,
  opaque: /\b(eval|instance_eval|class_eval|send|public_send|const_get|Marshal\.load|Base64\.decode64)\b/,
  fork: /\bfork\b/,
  kill: /\bProcess\.kill\b/,
  write: /\bFile\.(write|open\s*\([^)]*["'][wa])/,
};
const PHP: Dialect = {
  shell: /\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(|`/,
  shellCall: /\b(?:system|exec|shell_exec|passthru|popen|proc_open)/,
  del: /\b(unlink|rmdir|array_map\s*\(\s*['"]unlink)\s*\(/,
  delCall: /\b(?:unlink|rmdir)/,
  net: /\b(fsockopen|socket_create|curl_\w+|stream_socket_client|mail)\s*\(|\b(file_get_contents|fopen|file)\s*\(\s*['"](https?|ftp):/,
  env: /\b(getenv|\$_ENV|\$_SERVER)\b/,
  opaque: /\b(eval|assert|create_function|base64_decode|gzinflate|str_rot13|call_user_func\w*|preg_replace\s*\(.*\/e)\s*\(|\$\w+\s*\(/,
  fork: /\bpcntl_fork\b/,
  kill: /\bposix_kill\b/,
  write: /\b(file_put_contents|fopen\s*\([^)]*['"][wax])/,
};

const POWERSHELL: Dialect = {
  shell: /\b(Start-Process|Invoke-Expression|iex|Invoke-Command|cmd(\.exe)?\s*\/c|&\s*\$)/i,
  shellCall: /\b(?:Start-Process|Invoke-Command)/i,
  del: /\b(Remove-Item|rm|del|rmdir|Clear-Content|Format-Volume|Clear-Disk)\b/i,
  delCall: /\b(?:Remove-Item|Clear-Content)/i,
  net: /\b(Invoke-WebRequest|Invoke-RestMethod|iwr|irm|Net\.WebClient|DownloadString|DownloadFile|Net\.Sockets|TcpClient|Send-MailMessage)\b/i,
  env: /\$env:|\[Environment\]::GetEnvironmentVariable/i,
  opaque: /\b(Invoke-Expression|iex|FromBase64String|-EncodedCommand|-enc|scriptblock\]::Create|Add-Type)\b/i,
  fork: /\bStart-Job\b/i,
  kill: /\b(Stop-Process|Stop-Computer|Restart-Computer|kill)\b/i,
  write: /\b(Set-Content|Add-Content|Out-File|New-Item\s+.*-ItemType\s+File)\b/i,
};

function generic(code: string, dialect: Dialect): CodeFindings {
  const out = emptyFindings();
  if (dialect.opaque.test(code)) out.opaque = 'computes code at run time';
  collectShell(code, out, dialect.shellCall, dialect.shell);
  for (const m of code.matchAll(/`([^`]*)`|\bqx\s*[({/|'"!]([^)}/|'"!]*)/g)) {
    const script = m[1] ?? m[2];
    if (script !== undefined && !/[$@]/.test(script)) out.shell.push(script);
    else out.opaque = 'runs a computed command';
  }
  collectPaths(code, out.deletes, dialect.delCall, dialect.del);
  if (dialect.write.test(code)) {
    const m = new RegExp(String.raw`(?:file_put_contents|File\.write|open)\s*\(?\s*(?:my\s+)?(?:\$?\w+\s*,\s*)?["'](?:>>|>|\+<)?\s*([^"']+)["']`).exec(code);
    out.writes.push(m?.[1]?.trim());
  }
  out.network = dialect.net.test(code);
  out.env = dialect.env.test(code);
  out.spawns = dialect.shell.test(code) || /\/bin\/(ba)?sh/.test(code);
  out.forkLoop = dialect.fork.test(code) && /\b(while|for|loop|until)\b/.test(code);
  out.kills = dialect.kill.test(code);
  return out;
}

function awk(code: string): CodeFindings {
  const out = emptyFindings();
  collectShell(code, out, /\bsystem/, /\bsystem\s*\(/);
  for (const m of code.matchAll(new RegExp(String.raw`${STRING}\s*\|\s*getline|\|\s*${STRING}`, 'g'))) {
    const script = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (script !== undefined) out.shell.push(script);
  }
  if (/\|\s*getline|print[^;}]*\|\s*[^"'\s]/.test(code) && out.shell.length === 0) out.opaque = 'runs a computed command';
  if (/\/inet\d?\/(tcp|udp)\//.test(code)) {
    out.network = true;
    out.spawns = true;
  }
  for (const m of code.matchAll(new RegExp(String.raw`print[^;}>]*>>?\s*${STRING}`, 'g'))) out.writes.push(m[1] ?? m[2]);
  if (/print[^;}]*>>?\s*[^"'\s]/.test(code)) out.writes.push(undefined);
  out.env = /\bENVIRON\b/.test(code);
  out.forkLoop = /\b(while|for)\b/.test(code) && out.shell.some((script) => /[^&]&\s*$/.test(script));
  return out;
}

/** Literal string arguments of shell-running calls; a computed one makes the code opaque. */
function collectShell(code: string, out: CodeFindings, call: RegExp, present: RegExp | undefined): void {
  if (!present?.test(code)) return;
  const literal = literalArg(call.source);
  let found = 0;
  for (const m of code.matchAll(literal)) {
    const text = unescape(m[1] ?? m[2] ?? '');
    const after = code.slice((m.index ?? 0) + m[0].length).trimStart();
    const home = /^[.+]\s*(getenv\(\s*['"]HOME['"]\s*\)|os\.environ\[\s*['"]HOME['"]\s*\]|\$ENV\{\s*HOME\s*\}|ENV\[\s*['"]HOME['"]\s*\]|Dir\.home|\$_SERVER\[\s*['"]HOME['"]\s*\])\s*\)/.exec(after);
    if (home) {
      out.shell.push(`${text}~`);
      found += 1;
      continue;
    }
    if (/^[.+%]/.test(after) || /^\s*\.\s*\$/.test(after)) out.opaque = 'runs a command built at run time';
    const list = new RegExp(String.raw`${call.source}\s*\(\s*\[([^\]]*)\]`).exec(code.slice(m.index ?? 0));
    if (list?.[1]) {
      const items = [...list[1].matchAll(new RegExp(STRING, 'g'))].map((item) => item[1] ?? item[2] ?? '');
      out.shell.push(items.map((item) => `'${item.replace(/'/g, `'\\''`)}'`).join(' '));
    } else out.shell.push(text);
    found += 1;
  }
  const calls = [...code.matchAll(new RegExp(call.source, 'g'))].length;
  if (found < calls) out.opaque = 'runs a command computed at run time';
}

/** The home directory named in code: `os.path.expanduser('~')`, `Dir.home`, `$ENV{HOME}`, `homedir()`, … */
export const HOME_REF = /^\s*(os\.path\.expanduser\(\s*['"]~\/?['"]\s*\)|(Path|pathlib\.Path)\.home\(\)|os\.environ\[\s*['"]HOME['"]\s*\]|os\.getenv\(\s*['"]HOME['"]\s*\)|Dir\.home|ENV\[\s*['"]HOME['"]\s*\]|\$ENV\{\s*HOME\s*\}|getenv\(\s*['"]HOME['"]\s*\)|(require\(\s*['"]os['"]\s*\)|os)\.homedir\(\)|process\.env\.HOME|['"]~\/?['"])\s*[),]/;

function collectPaths(code: string, into: (string | undefined)[], call: RegExp, present: RegExp | undefined): void {
  if (!present?.test(code)) return;
  const calls = [...code.matchAll(new RegExp(call.source + String.raw`\s*\(?`, 'g'))];
  for (const m of calls) {
    const rest = code.slice((m.index ?? 0) + m[0].length);
    const literal = new RegExp(String.raw`^\s*(?:\[\s*)?${STRING}\s*[),]`).exec(rest);
    into.push(HOME_REF.test(rest) ? '~' : literal ? unescape(literal[1] ?? literal[2] ?? '') : undefined);
  }
}

function unescape(text: string): string {
  return text.replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n');
}
