export * from './csv-exports.js';
