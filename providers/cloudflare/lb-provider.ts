// Load-balancer mode (placeholder while being written).
export { CloudflareRecordsProvider as CloudflareLoadBalancerProvider } from './records-provider.ts';
