// Public surface of src/scopes; re-exported by src/index.ts.
export { satisfiesExpression, scopeMatch, type EvaluatedScopeExpression } from './scope-match.js';
export { credentialInformation, type CredentialInformation } from './credential-information.js';
