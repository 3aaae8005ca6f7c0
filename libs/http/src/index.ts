export * from './problem.js';
export * from './problem.filter.js';
export * from './validation.js';
export * from './health.controller.js';
export * from './metrics.js';
export * from './platform.module.js';
export * from './bootstrap.js';
export * from './intake.js';
