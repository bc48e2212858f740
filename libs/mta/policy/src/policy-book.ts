// The policies in force, indexed for the delivery engine's two questions:
// "which policy governs this routing key?" (before MX resolution, e.g. to
// choose a domain's shard count) and "…given these MX hosts?" (before
// connecting, so domains hosted by one provider share that provider's budget).
//
// Precedence: exact domain, then MX glob, then longest suffix, then defaults.
// A policy with mxHosts is a provider rollup: whichever way it matched, its
// budget is "policy:<name>" (sharded like the routing key), shared by every
// domain it governs; any other policy's budget is the routing key itself.
import { compileHostGlob, normalizeHost, type HostGlob } from './host-glob';
import { DEFAULT_POLICY_NAME } from './policy-defaults';
import { applySettings, claimConflicts, parsePolicyDocument } from './policy-document';
import { PolicyArgumentError, PolicyDocumentError } from './policy.errors';
import { Problems, policyToDocument, readPolicyEntry } from './policy-reader';
import type { DomainPolicy, MatchedBy, PolicyFields, ResolvedPolicy } from './policy.types';
import { parseRoutingKey, routingKeyFor } from './routing-key';

interface MxEntry {
  glob: HostGlob;
  policy: DomainPolicy;
}

/** Budget key prefix of provider rollups; ":" cannot occur in a domain, so no routing key collides. */
export const ROLLUP_BUDGET_PREFIX = 'policy:';

export class PolicyBook {
  readonly defaults: Readonly<PolicyFields>;
  readonly policies: readonly DomainPolicy[];
  private readonly byName = new Map<string, DomainPolicy>();
  private readonly byDomain = new Map<string, DomainPolicy>();
  private readonly bySuffix = new Map<string, DomainPolicy>();
  private readonly mx: MxEntry[] = [];

  /** Throws PolicyDocumentError when two policies share a name or claim the same domain, suffix or MX glob. */
  constructor(
    defaults: Readonly<PolicyFields>,
    policies: readonly DomainPolicy[],
    source = 'policies',
  ) {
    const claimants = policies.map((policy) => ({
      policy,
      label: `policy "${policy.name}"`,
      title: `policy "${policy.name}"`,
    }));
    const conflicts = claimConflicts(claimants);
    if (conflicts.length > 0) throw new PolicyDocumentError(source, conflicts);
    this.defaults = Object.freeze({ ...defaults });
    this.policies = Object.freeze([...policies]);
    for (const policy of policies) this.index(policy);
    // Most specific glob first; equal ones keep book order (stable sort).
    this.mx.sort((a, b) => b.glob.specificity - a.glob.specificity);
  }

  private index(policy: DomainPolicy): void {
    this.byName.set(policy.name, policy);
    for (const domain of policy.match.domains ?? []) this.byDomain.set(domain, policy);
    for (const suffix of policy.match.suffixes ?? []) this.bySuffix.set(suffix, policy);
    for (const glob of policy.match.mxHosts ?? [])
      this.mx.push({ glob: compileHostGlob(glob), policy });
  }

  /** A book from a policy file's text; throws PolicyDocumentError. */
  static fromYaml(yamlText: string, source: string): PolicyBook {
    const { defaults, policies } = parsePolicyDocument(yamlText, source);
    return new PolicyBook(defaults, policies, source);
  }

  get(name: string): DomainPolicy | undefined {
    return this.byName.get(name);
  }

  /**
   * The policy for a recipient domain or routing key ("gmail.com#3"), without
   * MX knowledge: exact domain, then longest suffix, then defaults.
   */
  forDomain(domainOrRoutingKey: string): ResolvedPolicy {
    const key = this.parse(domainOrRoutingKey);
    const exact = this.byDomain.get(key.domain);
    if (exact) return this.resolve(exact, 'domain', key);
    const suffix = this.suffixPolicy(key.domain);
    if (suffix) return this.resolve(suffix, 'suffix', key);
    return this.resolve(undefined, 'default', key);
  }

  /**
   * The policy once the MX hosts are known (most preferred first): an exact
   * domain policy still wins; otherwise the first host matching a provider's
   * glob (the most specific glob for that host) selects it; otherwise as forDomain.
   */
  forMx(domainOrRoutingKey: string, mxHosts: readonly string[]): ResolvedPolicy {
    const key = this.parse(domainOrRoutingKey);
    const exact = this.byDomain.get(key.domain);
    if (exact) return this.resolve(exact, 'domain', key);
    for (const raw of mxHosts) {
      const host = normalizeHost(raw);
      const entry = this.mx.find((e) => e.glob.test(host));
      if (entry) return this.resolve(entry.policy, 'mx', key);
    }
    return this.forDomain(domainOrRoutingKey);
  }

  /**
   * A new book where each override replaces the policy of the same name (in
   * place) or is added after the file's policies. Overrides are checked like
   * file entries; throws PolicyDocumentError naming each fault.
   */
  withOverrides(overrides: readonly DomainPolicy[]): PolicyBook {
    const p = new Problems();
    const checked: DomainPolicy[] = [];
    const names = new Set<string>();
    overrides.forEach((o, i) => {
      const label = `overrides[${i}]`;
      const policy = readPolicyEntry(p, policyToDocument(o), label);
      if (policy && names.has(policy.name)) {
        p.add(`${label}.name`, `"${policy.name}" is overridden twice`);
      } else if (policy) {
        names.add(policy.name);
        checked.push(policy);
      }
    });
    if (p.list.length > 0) throw new PolicyDocumentError('overrides', p.list);
    const replacing = new Map(checked.map((policy) => [policy.name, policy]));
    const merged = this.policies.map((policy) => replacing.get(policy.name) ?? policy);
    const added = checked.filter((policy) => !this.byName.has(policy.name));
    return new PolicyBook(this.defaults, [...merged, ...added], 'policies with overrides');
  }

  private parse(domainOrRoutingKey: string): { domain: string; shard: number } {
    const parsed = parseRoutingKey(domainOrRoutingKey.trim().replace(/\.$/, ''));
    if (!parsed) {
      throw new PolicyArgumentError(`"${domainOrRoutingKey}" is not a domain or routing key`);
    }
    return parsed;
  }

  /** Walks up the labels, so the first suffix found is the longest. */
  private suffixPolicy(domain: string): DomainPolicy | undefined {
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      const policy = this.bySuffix.get(domain.slice(dot));
      if (policy) return policy;
    }
    return undefined;
  }

  private resolve(
    policy: DomainPolicy | undefined,
    matchedBy: MatchedBy,
    key: { domain: string; shard: number },
  ): ResolvedPolicy {
    const fields = policy ? applySettings(this.defaults, policy) : { ...this.defaults };
    const name = policy?.name ?? DEFAULT_POLICY_NAME;
    // A key sharded under an older policy (shards since lowered) folds into the current shards.
    const shard = key.shard % fields.shards;
    const budgetKey = policy?.match.mxHosts?.length
      ? `${ROLLUP_BUDGET_PREFIX}${fields.shards === 1 ? name : `${name}#${shard}`}`
      : routingKeyFor(key.domain, shard, fields.shards);
    return { ...fields, name, domain: key.domain, budgetKey, matchedBy };
  }
}
