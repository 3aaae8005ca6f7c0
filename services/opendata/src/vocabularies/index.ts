export * from './themes.js';
export * from './frequencies.js';
export * from './licences.js';
export * from './formats.js';
