// Domain policies: YAML and runtime overrides, matching by domain, suffix and MX host pattern.
export {};
