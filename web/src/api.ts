// The server's JSON API as typed functions.

export interface ModelInfo {
  id: string;
  kind: string;
  testAccuracy: number | null;
  hasReport: boolean;
  savedAt: string;
}

export interface ServerPrediction {
  predictions: { class: string; probability: number }[];
  probabilities: number[];
  input: { width: number; height: number; pixels: string } | null;
}

export const modelUrl = (id: string, file: string): string => `/api/models/${encodeURIComponent(id)}/${file}`;

/** The JSON of a response, or its `{ error }` message thrown. */
async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export async function listModels(): Promise<ModelInfo[]> {
  return (await json<{ models: ModelInfo[] }>(await fetch('/api/models'))).models;
}

export async function predictUpload(file: Blob, modelId: string): Promise<ServerPrediction> {
  const response = await fetch(`/api/predict?model=${encodeURIComponent(modelId)}&top=10`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  return json<ServerPrediction>(response);
}

export async function generateReport(modelId: string): Promise<void> {
  await json(await fetch(modelUrl(modelId, 'report'), { method: 'POST' }));
}

export async function startTraining(settings: Record<string, string | number>): Promise<void> {
  await json(await fetch('/api/train', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) }));
}

export async function stopTraining(): Promise<void> {
  await json(await fetch('/api/train/stop', { method: 'POST' }));
}
