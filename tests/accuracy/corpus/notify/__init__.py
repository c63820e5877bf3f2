from flask import Flask

from notify.extensions import db


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="postgresql://localhost/notify", **(config or {}))
    db.init_app(app)
    from notify.views import bp

    app.register_blueprint(bp)
    return app
