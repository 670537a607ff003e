// Unique names for the tf.Variables of policy networks: tfjs refuses two live variables with one name, and
// several actors/critics (online and target networks, several agents) coexist, so each gets `name#k`.
let counter = 0;

export function uniqueName(base: string): string {
  counter += 1;
  return `${base}#${counter}`;
}
