/** `npm run env:down`: stops every process of the local environment and removes its directory. */
import { environmentDir, stopEnvironment } from "./cluster.ts";

const dir = environmentDir();
const stopped = await stopEnvironment(dir);
console.log(`testenv: stopped ${stopped} process${stopped === 1 ? "" : "es"}, removed ${dir}`);
