/**
 * The paths (`a.b.0.c`) at which two JSON values differ: a key present in one only, or a leaf that
 * differs. A derived sample names exactly these against the verbatim payload it starts from.
 */
export function changedPaths(from: unknown, to: unknown, at = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(from) && isObject(to) && Array.isArray(from) === Array.isArray(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    return keys.flatMap((k) => {
      const path = at === '' ? k : `${at}.${k}`;
      if (!(k in from) || !(k in to)) return [path];
      return changedPaths(from[k], to[k], path);
    });
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [at];
}
