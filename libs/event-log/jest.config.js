/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'event-log', rootDir: __dirname };
