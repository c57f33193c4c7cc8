/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'load', rootDir: __dirname };
