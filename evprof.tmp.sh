#!/bin/bash
# usage: evprof.tmp.sh <iou_type>   (profiles the service through one evaluation)
T=${1:-bbox}
E=/work/main/bench/.work/inputs/evaluation-5000
D=$(mktemp -d)
GT=$E/instances_eval.json; [ "$T" = keypoints ] && GT=$E/person_keypoints_eval.json
PORT=3918 HOST=127.0.0.1 DATA_DIR=$D/data INGEST_ROOTS=$E WORKERS=2 node $NODEFLAGS dist/src/app/serverMain.js > $D/log 2>&1 &
PID=$!
until grep -q listening $D/log; do sleep 0.2; done
post() { curl -s -N -X POST "localhost:3918$1" -H 'content-type: application/json' -H 'accept: text/event-stream' -d "$2" | grep -A1 "event:\(complete\|error\)" | tail -1 | cut -c1-400; }
post /datasets/ingest "{\"annotation_path\": \"$GT\", \"image_dir\": \"$E\", \"thumbnails\": \"none\", \"split\": \"val\", \"dataset_name\": \"d\"}" > /dev/null
post /datasets/1/predictions "{\"annotation_path\": \"$E/results_$T.json\", \"name\": \"p\", \"on_invalid\": \"skip\"}" > /dev/null
echo "mark $(date +%s%N)" 
post /datasets/1/evaluations "{\"predictions\": \"p\", \"iou_type\": \"$T\"}" | grep -o '"timings_ms":{[^}]*}\|"duration_ms":[0-9]*'
kill $PID; wait $PID 2>/dev/null; echo dir $D
