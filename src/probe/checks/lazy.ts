// Loads a check's socket code when a check first runs rather than with its definition: the config
// schema is built from the definitions, and `validate` or `plan` must not load node:http or dns2.

/**
 * Returns `withModule(use)`: runs `use` with what `load` resolves to, loading it once. Once loaded,
 * `use` is called at once (no extra turn of the event loop before a check starts its clock).
 */
export function lazily<T>(load: () => Promise<T>): <R>(use: (loaded: T) => Promise<R>) => Promise<R> {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  return (use) => {
    if (loaded !== undefined) return use(loaded);
    loading ??= load().then((m) => {
      loaded = m;
      return m;
    });
    return loading.then(use);
  };
}
