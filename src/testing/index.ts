// Public surface of src/testing; re-exported by src/index.ts.
export {};
