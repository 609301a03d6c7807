// Public surface of src/rest; re-exported by src/index.ts.
export {};
