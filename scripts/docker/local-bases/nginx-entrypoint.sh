#!/bin/sh
# Render each /etc/nginx/templates/X.template to /etc/nginx/conf.d/X, substituting only the
# variables set in the environment (nginx's own $variables stay), then run the command.
set -eu
defined=$(env | cut -d= -f1 | sed 's/^/$/' | tr '\n' ' ')
for template in /etc/nginx/templates/*.template; do
  [ -e "$template" ] || continue
  name=$(basename "$template" .template)
  envsubst "$defined" < "$template" > "/etc/nginx/conf.d/$name"
done
exec "$@"
