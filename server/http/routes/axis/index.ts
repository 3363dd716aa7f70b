export { createAxisRouter } from './router.js';
