import { z } from 'zod';

// zod 4 compiles fast parsers with `new Function` when it may; the served page's CSP forbids
// eval, and even the probe is reported as a CSP violation. Interpret instead, before any parse.
z.config({ jitless: true });
