// The layers of the code and what each may import (ARCHITECTURE.md draws them). The first rule whose
// `from` matches a module applies to it; a module no rule matches may import anything that does not
// close a cycle. Paths are relative to the repository, without a leading ./.

export interface Rule {
  /** The modules this rule is for. */
  from: RegExp;
  /** What they may import. */
  may: RegExp[];
  /** Said beside each edge against the rule. */
  why: string;
}

const MODEL = /^src\/model\//;
const FIELDS = /^src\/config\/(fields\/|duration\.ts$)/;
const CRON = /^src\/cron\//;
/** Definitions: schemas and validate checks of provider kinds, policies and check kinds; no I/O. */
const PROVIDER_DEFINITIONS =
  /^providers\/(definition(-checks)?\.ts|capabilities\.ts|registry\/|[a-z0-9]+\/definition\.ts$)/;
const PROVIDER_DEFINITION_HELPERS = /^providers\/(builtin\/transfer-checks\.ts|tsig\/|dnswire\/)/;
const POLICY_DEFINITIONS = /^src\/policy\/kinds\//;
/** Check kinds: each loads its runner's I/O modules only when a check first runs (lazy.ts). */
const CHECK_DEFINITIONS = /^src\/probe\/checks\//;

export const RULES: Rule[] = [
  {
    from: MODEL,
    may: [MODEL],
    why: 'src/model is the floor: it imports nothing of the project but itself',
  },
  {
    from: CRON,
    may: [CRON, MODEL],
    why: 'the cron parser is a leaf shared by config and health: it imports only src/model',
  },
  {
    from: FIELDS,
    may: [FIELDS, MODEL],
    why: "config's field helpers are used by every definition: they import only src/model",
  },
  {
    from: PROVIDER_DEFINITIONS,
    may: [PROVIDER_DEFINITIONS, PROVIDER_DEFINITION_HELPERS, FIELDS, MODEL, CRON],
    why: 'a provider definition (schema, features, checks) imports only zod, the config field helpers and src/model',
  },
  {
    from: POLICY_DEFINITIONS,
    may: [POLICY_DEFINITIONS, FIELDS, MODEL, CRON],
    why: 'a policy definition imports only zod, the config field helpers and src/model',
  },
  {
    from: CHECK_DEFINITIONS,
    may: [CHECK_DEFINITIONS, FIELDS, MODEL, CRON],
    why: 'a check kind definition imports only zod, the config field helpers and src/model',
  },
  {
    from: /^src\/config\//,
    may: [
      /^src\/config\//,
      MODEL,
      CRON,
      PROVIDER_DEFINITIONS,
      PROVIDER_DEFINITION_HELPERS,
      POLICY_DEFINITIONS,
      CHECK_DEFINITIONS,
    ],
    why: 'src/config is the floor above src/model: it imports only src/model and the provider, policy and check definitions',
  },
  {
    from: /^providers\//,
    may: [
      /^providers\//,
      /^src\/(model|config|log|fsutil|runtime|tls|cron)\//,
      POLICY_DEFINITIONS,
      CHECK_DEFINITIONS,
    ],
    why: 'a provider adapter never imports the controller, the planner or the policies: they call it',
  },
  {
    from: /^src\/reconcile\//,
    may: [/^(?!src\/(controller|api|coordination|cli|demo)\/)/],
    why: 'the plan/apply pass is shared by the CLI and the controller: it never imports the controller, its HTTP API or leader election',
  },
  {
    from: /^src\/cli\/(?!commands\/controller\.ts$)/,
    may: [/^(?!src\/controller\/)/, /^src\/controller\/views\//],
    why: 'the CLI plans and applies through src/reconcile; only the `controller` command loads the controller (and its etcd, metrics and DNS server)',
  },
];
