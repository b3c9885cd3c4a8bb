import { startStorageEmulator } from '../test/helpers/storageEmulator.js';

// Google's Cloud Storage emulator in a process of its own, standing in for the
// bucket: its CPU time is then not the service's and can be read apart.
const emulator = await startStorageEmulator();
process.send!({ endpoint: emulator.endpoint, projectId: emulator.projectId });
process.on('disconnect', () => {
  void emulator.stop().then(() => process.exit(0));
});
