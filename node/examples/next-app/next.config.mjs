// The inbox is a native addon (the Rust core): Next.js must load it from node_modules at run time, not bundle it.
export default {
  serverExternalPackages: ['meetergo'],
};
