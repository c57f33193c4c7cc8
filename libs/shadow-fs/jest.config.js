/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'shadow-fs', rootDir: __dirname };
