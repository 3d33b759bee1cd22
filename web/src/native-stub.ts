// Stands in for the native addon loader in the browser bundle: there is no addon there.

export function loadNative(): { backend: null; reason: string } {
  return { backend: null, reason: 'not available in the browser' };
}
