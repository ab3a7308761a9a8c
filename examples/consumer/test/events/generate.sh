#!/bin/sh
# The events of the tests, as `webhook-pipeline events sample` prints them (the events a rule target
# receives). Run from the webhook-pipeline project to make them again; a test there checks that
# these files are what the commands print.
set -e
cd "$(dirname "$0")"
npx webhook-pipeline events sample TRANSACTIONS.SYNC_UPDATES_AVAILABLE --set item_id=item-sync-1 > sync-updates-available.json
npx webhook-pipeline events sample ITEM.ERROR --set item_id=item-error-1 --set error.error_code=ITEM_LOGIN_REQUIRED > item-error.json
npx webhook-pipeline events sample accounts.connected --set data.account=acc_1 --set data.user=user_1 > accounts-connected.json
npx webhook-pipeline events sample ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED > webhook-update-acknowledged.json
