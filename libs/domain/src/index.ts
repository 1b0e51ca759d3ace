// Public surface of the pure domain library (no framework, no I/O).
export {};
