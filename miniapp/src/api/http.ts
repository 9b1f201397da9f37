export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  url: string;
  method: HttpMethod;
  data?: unknown;
  header: Record<string, string>;
}

/** Any HTTP status resolves; only a failure to get a response at all rejects. */
export interface HttpResponse {
  statusCode: number;
  data: unknown;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;
