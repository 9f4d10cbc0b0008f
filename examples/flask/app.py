"""The seeds' Flask app, the Offload way: the route submits the long task and answers at once."""

import os

from flask import Flask

import offload

app = Flask(__name__)
tasks = offload.Offload(os.environ.get("OFFLOAD_URL", "http://127.0.0.1:8080"),
                        os.environ.get("OFFLOAD_TOKEN"))


@app.route("/start-task")
def start_task():
    task = tasks.submit("long_task")  # stored in PostgreSQL before this returns
    return {"task_id": task["id"]}


@app.route("/tasks/<task_id>")
def task_status(task_id):
    try:
        task = tasks.get(task_id)
    except (offload.NotFound, offload.BadRequest):  # unknown, or not a task id
        return {"error": "no such task"}, 404
    return {"state": task["state"], "progress": task["progress"], "result": task["result"]}
