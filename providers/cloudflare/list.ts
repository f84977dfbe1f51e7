// Paged reads that stop on result_info.total_pages. The SDK's auto-pagination asks for pages until one
// comes back empty, which costs one extra request per list against a 1,200 / 5 min budget.
import type Cloudflare from 'cloudflare';

/** The fields of a DNS record the adapter reads and writes. */
export interface CfRecord {
  id: string;
  /** As Cloudflare returns it: lower case, no trailing dot. */
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  tags: string[];
  comment: string;
}

interface PageInfo {
  page?: number;
  total_pages?: number;
}

/** Largest page we ask for: fewer pages means fewer requests (the API allows far more). */
export const DNS_PAGE_SIZE = 5000;

export async function listPaged<T>(
  fetchPage: (page: number) => Promise<{ result: T[]; result_info?: PageInfo }>,
): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  for (let page = 1; ; page++) {
    const res = await fetchPage(page);
    calls++;
    items.push(...res.result);
    const total = res.result_info?.total_pages;
    // Without total_pages (some endpoints), a short page is the last one.
    if (total === undefined ? res.result.length === 0 : page >= total) break;
    if (res.result.length === 0) break;
  }
  return { items, calls };
}

export async function listDnsRecords(
  sdk: Cloudflare,
  zoneId: string,
  signal?: AbortSignal,
  perPage = DNS_PAGE_SIZE,
): Promise<{ records: CfRecord[]; calls: number }> {
  const { items, calls } = await listPaged(async (page) => {
    const res = await sdk.dns.records.list({ zone_id: zoneId, page, per_page: perPage }, { signal });
    return { result: res.result, result_info: res.result_info as PageInfo };
  });
  const records = items.map((r) => ({
    id: r.id,
    name: r.name.toLowerCase(),
    type: r.type,
    content: String(r.content ?? ''),
    ttl: r.ttl,
    proxied: r.proxied ?? false,
    tags: r.tags ?? [],
    comment: r.comment ?? '',
  }));
  return { records, calls };
}
