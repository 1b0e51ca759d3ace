export { diffDocuments, type FieldChange } from './diff.js';
export { fieldLabels } from './field-labels.js';
