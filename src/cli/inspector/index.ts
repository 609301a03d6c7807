// The message inspector: a local web page showing live messages (`tc-pulse inspect`).
export { startInspector, type Inspector, type InspectorOptions } from './inspector-server.js';
export type { BindingSpec, DescribedBinding, BindingForm } from './binding-specs.js';
