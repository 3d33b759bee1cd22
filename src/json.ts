// Reading values from untrusted JSON (model.json, backups, requests): a check that a value is a
// plain object, and a bounded way to show one in an error.

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value from an untrusted file shown in an error: JSON, cut to `max` characters, and never a
 * crash (a value nested thousands deep overflows JSON.stringify's stack).
 */
export function shown(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(a value nested too deeply to show)';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
