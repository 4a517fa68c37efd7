/** The compliance engine's public API: load and select rules, scan a host, evaluate fixtures. */
export { loadRules, parseRuleText } from './rules/loader.ts';
export { formatLoadErrors, RuleLoadError } from './rules/errors.ts';
export { selectRules, type RuleFilter } from './rules/select.ts';
export { resolveVariables, VariableError } from './rules/variables.ts';
export { scanHost, ProbeError, type ProbeFailure, type ScanOptions, type TraversalMode } from './scan.ts';
export {
  evaluateFixture,
  fixtureStore,
  parseFixtureFile,
  DEFAULT_FIXTURE_CAPABILITIES,
  type FixtureCase,
  type FixtureFile,
} from './fixture.ts';
export { METHODS } from './eval/methods/index.ts';
export { CAPABILITIES, type Capability, type CapExpr } from './platform/capabilities.ts';
export { ruleJsonSchema } from './rules/json-schema.ts';
export { checkSummary } from './remediation/check-summary.ts';
export { shellFix } from './remediation/shell-fix.ts';
export type { Rule, CheckNode, Implementation, VariableDef, Dependency } from './rules/types.ts';
export type {
  Evidence,
  NotApplicableReason,
  Platform,
  References,
  RuleResult,
  ScanReport,
  ScanStats,
  ScanSummary,
  ScanTiming,
  Severity,
  Status,
} from './types.ts';
export { LocalTransport } from './transport/local.ts';
export { PROFILES_SUBDIR } from './rules/loader.ts';
export {
  applyTailoring,
  defaultProfileFor,
  loadProfiles,
  parseProfileText,
  ProfileError,
  ProfileSchema,
  TailoringSchema,
  variableStrings,
  type Profile,
  type Tailoring,
} from './profiles/profile.ts';
export { contradictions, type Contradiction } from './profiles/settings.ts';
export { expectedProfileFiles, generatedProfileFiles } from './profiles/files.ts';
