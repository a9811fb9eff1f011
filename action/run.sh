#!/usr/bin/env bash
# The work of the kubestrap GitHub Action (action.yml), in one script a test can run without GitHub:
# lint to SARIF, lint as workflow annotations, a job summary, and on pull requests the findings against the base
# branch (`lint --baseline`) and what the change does to the cluster (`diff --baseline`, Markdown). With
# INPUT_RENDER=true both also render every HelmRelease's chart with helm (`--render`).
#
# Reads the action's inputs (INPUT_REPO, INPUT_CLUSTER, INPUT_BASELINE, INPUT_SARIF, INPUT_RENDER) and GitHub's variables
# (GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT). Writes the outputs exit-code (what
# the job should exit with: 1 on errors, new errors on a pull request), sarif-file and diff-file. Exits 0 unless
# kubestrap could not run at all (exit 2: bad input, an unreadable repository or base revision).
set -uo pipefail

node=${NODE:-node}
bin=${KUBESTRAP_BIN:?KUBESTRAP_BIN names bin/kubestrap.js}
repo=${INPUT_REPO:-.}
sarif=${INPUT_SARIF:-kubestrap.sarif}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
output=${GITHUB_OUTPUT:-/dev/null}
baseline=${INPUT_BASELINE:-}

case ${INPUT_RENDER:-false} in
  true) render=(--render) ;;
  false) render=() ;;
  *)
    echo "::error title=kubestrap::the input render is true or false, not '$INPUT_RENDER'"
    exit 2
    ;;
esac

args=(--repo "$repo" "${render[@]}")
for cluster in ${INPUT_CLUSTER:-}; do args+=(--cluster "$cluster"); done

if [[ -z $baseline && ${GITHUB_EVENT_NAME:-} == pull_request* && -n ${GITHUB_BASE_REF:-} ]]; then
  baseline=origin/$GITHUB_BASE_REF
fi
if [[ -n $baseline ]]; then
  # actions/checkout fetches one commit by default: fetch the base branch when it is missing.
  if ! git -C "$repo" rev-parse --verify --quiet "$baseline^{commit}" >/dev/null && [[ $baseline == origin/* ]]; then
    git -C "$repo" fetch --quiet --no-tags origin "+refs/heads/${baseline#origin/}:refs/remotes/$baseline" ||
      echo "::warning title=kubestrap::could not fetch $baseline"
  fi
  args+=(--baseline "$baseline")
fi

kubestrap() { NO_COLOR=1 "$node" "$bin" "$@"; }

# Exit 2 means kubestrap could not run: say why, as an annotation, and stop.
check() {
  if [[ $1 -ge 2 ]]; then
    echo "::error title=kubestrap::kubestrap $2 failed (exit $1): $(tr '\n' ' ' <"$errors")"
    exit "$1"
  fi
}
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

kubestrap lint "${args[@]}" --output sarif >"$sarif" 2>"$errors"
check $? lint
kubestrap lint "${args[@]}" --output github 2>"$errors"
status=$?
check "$status" lint
{
  echo "### kubestrap lint${baseline:+ against \`$baseline\`}"
  echo
  echo '```'
  kubestrap lint "${args[@]}" --output text 2>&1
  echo '```'
  echo
} >>"$summary"
{
  echo "exit-code=$status"
  echo "sarif-file=$sarif"
} >>"$output"

if [[ -n $baseline ]]; then
  diff_file=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/kubestrap-diff.md
  diff_args=(--repo "$repo" --baseline "$baseline" "${render[@]}")
  for cluster in ${INPUT_CLUSTER:-}; do diff_args+=(--cluster "$cluster"); done
  kubestrap diff "${diff_args[@]}" --output markdown >"$diff_file" 2>"$errors"
  diff_status=$?
  check "$diff_status" diff
  # Exit 1 from diff --render: a chart was not rendered, so the diff lacks its objects (the summary names it).
  if [[ $diff_status -eq 1 ]]; then
    echo "::warning title=kubestrap::kubestrap diff --render could not render every chart; their objects are not compared (see the job summary)"
  fi
  cat "$diff_file" >>"$summary"
  echo "diff-file=$diff_file" >>"$output"
fi
exit 0
