// Loads every command module so each registers itself. Add one import line per new command.
import './bench.ts';
import './smoke.ts';
