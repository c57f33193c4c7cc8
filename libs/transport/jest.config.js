/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'transport', rootDir: __dirname };
