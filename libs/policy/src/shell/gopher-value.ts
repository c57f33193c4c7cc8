// Readers for Go values as GopherJS lays them out: a pointer is an object whose constructor
// carries the Go type (`constructor.string`, `constructor.elem.fields`); nil is a sentinel
// (`constructor.nil`) or the interface nil; a slice is { $array, $offset, $length }.

/** A Go struct pointer seen from JavaScript. */
export type GoNode = { readonly [field: string]: unknown };

interface GoType {
  readonly string?: unknown;
  readonly nil?: unknown;
  readonly elem?: { readonly fields?: readonly { readonly prop: string; readonly typ: { readonly kind: number } }[] };
}

const KIND_INTERFACE = 20;
const KIND_PTR = 22;
const KIND_SLICE = 23;

function goType(value: unknown): GoType | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return undefined;
  const type = ctor as unknown as GoType;
  if (typeof type.string !== 'string' || type.nil === value) return undefined;
  return type;
}

/** Short names by GopherJS type string (`*syntax.CallExpr` → `CallExpr`): a few dozen node types, named once rather than sliced per node. */
const SHORT_NAMES = new Map<string, string>();

/** The syntax node type name (`CallExpr`, `Lit`, …) or 'nil'. */
export function nodeType(value: unknown): string {
  const type = goType(value);
  if (!type) return 'nil';
  const name = type.string as string;
  let short = SHORT_NAMES.get(name);
  if (short === undefined) {
    short = name.slice(name.lastIndexOf('.') + 1);
    if (SHORT_NAMES.size < 1024) SHORT_NAMES.set(name, short);
  }
  return short;
}

/** The node when it is a non-nil Go pointer, else undefined. */
export function asNode(value: unknown): GoNode | undefined {
  return goType(value) ? (value as GoNode) : undefined;
}

/** A field that holds a pointer or interface, nil mapped to undefined. */
export function child(node: GoNode, field: string): GoNode | undefined {
  return asNode(node[field]);
}

/** The elements of a Go slice field. */
export function items(node: GoNode, field: string): GoNode[] {
  const slice = node[field] as { $array?: unknown[]; $offset?: number; $length?: number } | undefined;
  if (!slice || !Array.isArray(slice.$array) || typeof slice.$length !== 'number') return [];
  const out: GoNode[] = [];
  const offset = slice.$offset ?? 0;
  for (let i = 0; i < slice.$length; i++) {
    const item = asNode(slice.$array[offset + i]);
    if (item) out.push(item);
  }
  return out;
}

/** `items(node, field).map(convert)` in one array (the adapter converts every slice of the tree). */
export function mapItems<T>(node: GoNode, field: string, convert: (item: GoNode) => T): T[] {
  const slice = node[field] as { $array?: unknown[]; $offset?: number; $length?: number } | undefined;
  if (!slice || !Array.isArray(slice.$array) || typeof slice.$length !== 'number') return [];
  const out: T[] = [];
  const offset = slice.$offset ?? 0;
  for (let i = 0; i < slice.$length; i++) {
    const item = asNode(slice.$array[offset + i]);
    if (item) out.push(convert(item));
  }
  return out;
}

/** A string field, '' when absent. */
export function str(node: GoNode | undefined, field: string): string {
  const value = node?.[field];
  return typeof value === 'string' ? value : '';
}

/** A boolean field, false when absent. */
export function bool(node: GoNode | undefined, field: string): boolean {
  return node?.[field] === true;
}

/** A number field (operators, positions), -1 when absent. */
export function num(node: GoNode | undefined, field: string): number {
  const value = node?.[field];
  return typeof value === 'number' ? value : -1;
}

/** The value of a `*Lit` field, '' when nil. */
export function litValue(node: GoNode, field: string): string {
  return str(child(node, field), 'Value');
}

/**
 * Every pointer/interface/slice child of a node, found through GopherJS type metadata. Used
 * only for rare constructs (test and arithmetic expressions) to find nested substitutions.
 */
export function children(node: GoNode): GoNode[] {
  const fields = goType(node)?.elem?.fields ?? [];
  const out: GoNode[] = [];
  for (const field of fields) {
    const kind = field.typ.kind;
    if (kind === KIND_PTR || kind === KIND_INTERFACE) {
      const value = child(node, field.prop);
      if (value) out.push(value);
    } else if (kind === KIND_SLICE) {
      out.push(...items(node, field.prop));
    }
  }
  return out;
}
