// Cloudflare's v4 response envelope and error shape, as the real API returns them.
export interface CfErrorItem {
  code: number;
  message: string;
}

export class CfHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: CfErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => `${e.code} ${e.message}`).join('; '));
  }
}

export function cfError(status: number, code: number, message: string): CfHttpError {
  return new CfHttpError(status, [{ code, message }]);
}

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

export function okBody(result: unknown, resultInfo?: ResultInfo): unknown {
  return resultInfo === undefined
    ? { success: true, errors: [], messages: [], result }
    : { success: true, errors: [], messages: [], result, result_info: resultInfo };
}

export function errorBody(errors: CfErrorItem[]): unknown {
  return { success: false, errors, messages: [], result: null };
}

/** Pages a list the way the v4 API does: page from 1, per_page bounded, result_info with totals. */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  defaults: { perPage: number; maxPerPage: number },
): { result: T[]; info: ResultInfo } {
  const page = Number(query.get('page') ?? '1');
  const perPage = Number(query.get('per_page') ?? String(defaults.perPage));
  if (!Number.isInteger(page) || page < 1) throw cfError(400, 1004, 'page must be a positive integer');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > defaults.maxPerPage) {
    throw cfError(400, 1004, `per_page must be an integer between 1 and ${defaults.maxPerPage}`);
  }
  const start = (page - 1) * perPage;
  const result = items.slice(start, start + perPage);
  return {
    result,
    info: {
      page,
      per_page: perPage,
      count: result.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / perPage)),
    },
  };
}
