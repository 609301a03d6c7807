// Public surface of src/pulse; re-exported by src/index.ts.
export {};
