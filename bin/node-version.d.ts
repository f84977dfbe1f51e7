// Types of node-version.js (plain JavaScript, so the launcher runs before anything is compiled).
export declare const SUPPORTED: string;
export declare function unsupportedNode(version: string): string | undefined;
