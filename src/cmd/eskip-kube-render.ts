/** `skipjack-eskip kube-render`: owned by the Kubernetes work; replaced when the data client lands. */
export async function kubeRender(_argv: string[]): Promise<number> {
  process.stderr.write('skipjack-eskip: kube-render is not available in this build\n');
  return 2;
}
