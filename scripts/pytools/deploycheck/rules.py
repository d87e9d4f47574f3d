"""The deployment's requirements, checked on the rendered manifests of one overlay.

Each rule appends a sentence to `problems` when the manifests break it; the sentences name the resource."""
import itertools
import json
import posixpath
import re
from collections import defaultdict

import yaml

from .context import DEPLOYMENTS, SAMPLE_REGISTRY, SAMPLE_TAG, SERVICES, Context, Outcome
from .dockerfiles import final_stage_user

NAMESPACE = "review-stream"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")
KAFKA_CLIENTS = {"api-server", "stream-processor"}
MONGO_CLIENTS = {"api-server", "stream-processor", "trainer"}
PUBLIC_SERVICE_TYPES = ("LoadBalancer", "NodePort")
# The collections the stream processor writes in its batch transaction (Shared/ReviewContracts/ResultCollections.swift)
# and the catalogue it keeps from the products topic; the api-servers' accounts; the trainer's models, and the
# similar products `trainer similar` replaces whole through a staging collection (second system).
RESULT_COLLECTIONS = ("wordcount", "sentiment", "accuracy", "totals", "batches", "offsets")
CATALOGUE_COLLECTIONS = ("products",)
ACCOUNT_COLLECTIONS = ("users", "sessions")
MODELS_COLLECTION = "models"
SIMILAR_COLLECTIONS = ("similar", "similar_next")
# MongoDB's built-in database roles a service user may hold, with the actions they grant on every collection.
READ_ACTIONS = {"find", "changeStream", "listCollections", "listIndexes", "collStats", "dbStats", "dbHash",
                "killCursors", "listSearchIndexes"}
BUILTIN_DB_ROLES = {
    "read": READ_ACTIONS,
    "readWrite": READ_ACTIONS | {"insert", "update", "remove", "createCollection", "createIndex", "dropIndex",
                                 "dropCollection", "convertToCapped", "renameCollectionSameDB",
                                 "createSearchIndexes", "updateSearchIndex", "dropSearchIndex"},
}
WRITE_ACTIONS = BUILTIN_DB_ROLES["readWrite"] - READ_ACTIONS | {"collMod", "compact", "reIndex",
                                                                "bypassDocumentValidation", "enableProfiler"}
KAFKA_AUTHENTICATION = "scram-sha-512"


def name_of(doc):
    return (doc.get("metadata") or {}).get("name", "")


def labels_of(doc):
    return (doc.get("metadata") or {}).get("labels") or {}


def matches(selector, labels) -> bool:
    """Kubernetes label-selector semantics for matchLabels and matchExpressions."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pod_template(doc):
    return (doc.get("spec") or {}).get("template") or {}


def containers(doc):
    return (pod_template(doc).get("spec") or {}).get("containers") or []


def container_ports(container):
    """Maps both port names and numbers to the port number."""
    ports = {}
    for port in container.get("ports") or []:
        ports[port["containerPort"]] = port["containerPort"]
        if "name" in port:
            ports[port["name"]] = port["containerPort"]
    return ports


class Manifests:
    def __init__(self, docs):
        self.docs = docs

    def all(self, kind):
        return [d for d in self.docs if d.get("kind") == kind]

    def one(self, kind, name):
        found = [d for d in self.all(kind) if name_of(d) == name]
        return found[0] if found else None

    def workloads(self):
        return [d for d in self.docs if d.get("kind") in WORKLOAD_KINDS]

    def pod_labels(self, kind, name):
        doc = self.one(kind, name)
        return ((pod_template(doc).get("metadata") or {}).get("labels") or {}) if doc else {}


def check(ctx: Context, overlay: str) -> Outcome:
    m = Manifests(ctx.render(overlay))
    problems: list[str] = []
    for rule in (namespaces, workloads_exist, replicas_and_autoscaling, public_exposure, upstream_discovery,
                 disruption_budgets, stream_processor, trainer, resources_and_probes, security, images,
                 configuration, kafka, kafka_authentication, kafka_users, mongodb, mongodb_users,
                 secret_references, network_policies, prometheus, grafana, no_credentials):
        try:
            rule(m, problems, ctx=ctx, overlay=overlay)
        except (KeyError, TypeError, IndexError, AttributeError, ValueError) as error:
            problems.append(f"rule {rule.__name__} could not read the manifests: {type(error).__name__}: {error}")
    return Outcome(problems, note=f"{len(m.docs)} documents")


def namespaces(m, problems, **_):
    for doc in m.docs:
        if doc.get("kind") in ("Namespace",):
            continue
        namespace = (doc.get("metadata") or {}).get("namespace")
        if namespace != NAMESPACE:
            problems.append(f"{doc['kind']}/{name_of(doc)} is in namespace {namespace!r}, not {NAMESPACE!r}")


def workloads_exist(m, problems, **_):
    for name in DEPLOYMENTS:
        if not m.one("Deployment", name):
            problems.append(f"Deployment/{name} is missing")
    if not m.one("Job", "trainer"):
        problems.append("Job/trainer is missing")


def replicas_and_autoscaling(m, problems, **_):
    api = m.one("Deployment", "api-server")
    if api and api["spec"].get("replicas", 1) < 3:
        problems.append(f"Deployment/api-server has {api['spec'].get('replicas', 1)} replicas; at least 3 required")
    hpas = [h for h in m.all("HorizontalPodAutoscaler")
            if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
            and h["spec"]["scaleTargetRef"].get("name") == "api-server"]
    if not hpas:
        problems.append("no HorizontalPodAutoscaler targets Deployment/api-server")
    for hpa in hpas:
        spec = hpa["spec"]
        if spec.get("minReplicas", 1) < 3:
            problems.append(f"HorizontalPodAutoscaler/{name_of(hpa)} minReplicas {spec.get('minReplicas', 1)} < 3")
        if spec["maxReplicas"] < spec.get("minReplicas", 1):
            problems.append(f"HorizontalPodAutoscaler/{name_of(hpa)} maxReplicas is below minReplicas")
        cpu = [x for x in spec.get("metrics") or []
               if x.get("type") == "Resource" and x["resource"]["name"] == "cpu"]
        if not cpu:
            problems.append(f"HorizontalPodAutoscaler/{name_of(hpa)} does not scale on CPU")
    gateway = m.one("Deployment", "gateway")
    if gateway and gateway["spec"].get("replicas", 1) < 2:
        problems.append(f"Deployment/gateway has {gateway['spec'].get('replicas', 1)} replicas; at least 2 required")


def public_exposure(m, problems, **_):
    public = [s for s in m.all("Service")
              if s["spec"].get("type") in PUBLIC_SERVICE_TYPES or s["spec"].get("externalIPs")]
    names = sorted(name_of(s) for s in public)
    if names != ["gateway"]:
        problems.append(f"the public Services are {names}; only gateway may be LoadBalancer/NodePort")
    gateway = m.one("Service", "gateway")
    if not gateway:
        return
    if gateway["spec"].get("type") != "LoadBalancer":
        problems.append("Service/gateway is not of type LoadBalancer")
    if 80 not in [p["port"] for p in gateway["spec"].get("ports") or []]:
        problems.append("Service/gateway does not listen on port 80")
    selector = {"matchLabels": gateway["spec"].get("selector") or {}}
    if not matches(selector, m.pod_labels("Deployment", "gateway")):
        problems.append("Service/gateway's selector does not select the gateway pods")
    for service in m.all("Service"):
        labels_wanted = service["spec"].get("selector") or {}
        for port in service["spec"].get("ports") or []:
            target = port.get("targetPort", port["port"])
            backing = [w for w in m.workloads()
                       if labels_wanted and matches({"matchLabels": labels_wanted},
                                                    (pod_template(w).get("metadata") or {}).get("labels") or {})]
            if labels_wanted and not backing:
                problems.append(f"Service/{name_of(service)} selects no pods")
            for workload in backing:
                if not any(target in container_ports(c) for c in containers(workload)):
                    problems.append(f"Service/{name_of(service)} targets port {target!r}, "
                                    f"which {workload['kind']}/{name_of(workload)} does not declare")


def container_env(m, workload, container):
    """A container's settings: the ConfigMaps it loads, overridden by its own env entries (whole entries, so
    secretKeyRefs are visible)."""
    env = {}
    for source in container.get("envFrom") or []:
        config_map = m.one("ConfigMap", (source.get("configMapRef") or {}).get("name"))
        for key, value in ((config_map or {}).get("data") or {}).items():
            env[key] = {"name": key, "value": value}
    for entry in container.get("env") or []:
        env[entry["name"]] = entry
    return env


def upstream_discovery(m, problems, **_):
    """The gateway finds each api-server pod through a headless Service, so it can eject one pod alone."""
    gateway, api = m.one("Deployment", "gateway"), m.one("Deployment", "api-server")
    if not gateway or not api:
        return
    api_labels = m.pod_labels("Deployment", "api-server")
    headless = {name_of(s): s for s in m.all("Service")
                if s["spec"].get("clusterIP") == "None"
                and matches({"matchLabels": s["spec"].get("selector") or {}}, api_labels)}
    if not headless:
        problems.append("no headless Service (clusterIP: None) selects the api-server pods")
    for service in headless.values():
        if service["spec"].get("publishNotReadyAddresses"):
            problems.append(f"Service/{name_of(service)} publishes api-server pods that are not ready")
    api_ports = {p for c in containers(api) for p in container_ports(c).values()}
    for container in containers(gateway):
        env = container_env(m, gateway, container)
        if "UPSTREAMS" in env:
            problems.append("Deployment/gateway sets UPSTREAMS; with UPSTREAM_DNS it is ignored, so it only misleads")
        target = (env.get("UPSTREAM_DNS") or {}).get("value", "")
        host, _, port = target.partition(":")
        service = headless.get(host.split(".")[0])
        if not target:
            problems.append("Deployment/gateway does not set UPSTREAM_DNS, so it cannot reach each api-server pod")
        elif service is None:
            problems.append(f"Deployment/gateway UPSTREAM_DNS={target} does not name a headless api-server Service")
        else:
            # A headless Service has no proxy: its DNS names the pods, so the gateway must use the pods' port.
            if not port.isdigit() or int(port) not in api_ports:
                problems.append(f"Deployment/gateway UPSTREAM_DNS={target}: port {port or '(none)'} is not an "
                                f"api-server container port")
        if "UPSTREAM_DNS_INTERVAL" in env and float(env["UPSTREAM_DNS_INTERVAL"].get("value", "0")) > 30:
            problems.append("Deployment/gateway re-resolves UPSTREAM_DNS less often than every 30 s")


def disruption_budgets(m, problems, **_):
    """Each long-running service has one PodDisruptionBudget that lets a node drain go on, one pod at a time,
    without taking the service down."""
    budgets = m.all("PodDisruptionBudget")
    for name in DEPLOYMENTS:
        doc = m.one("Deployment", name)
        if not doc:
            continue
        covering = [b for b in budgets if matches(b["spec"].get("selector"), m.pod_labels("Deployment", name))]
        if len(covering) != 1:
            problems.append(f"{len(covering)} PodDisruptionBudgets cover the {name} pods; exactly one is needed")
            continue
        spec = covering[0]["spec"]
        replicas = doc["spec"].get("replicas", 1)
        for hpa in m.all("HorizontalPodAutoscaler"):
            if hpa["spec"]["scaleTargetRef"].get("name") == name:
                replicas = min(replicas, hpa["spec"].get("minReplicas", 1))
        where = f"PodDisruptionBudget/{name_of(covering[0])}"
        if isinstance(spec.get("minAvailable"), int) and not 1 <= spec["minAvailable"] < replicas:
            problems.append(f"{where} minAvailable {spec['minAvailable']} must be at least 1 and below the "
                            f"{replicas} replicas, or no pod could ever be evicted")
        if isinstance(spec.get("maxUnavailable"), int) and not 1 <= spec["maxUnavailable"] < replicas:
            problems.append(f"{where} maxUnavailable {spec['maxUnavailable']} must be at least 1 and below the "
                            f"{replicas} replicas")
        if "minAvailable" not in spec and "maxUnavailable" not in spec:
            problems.append(f"{where} sets neither minAvailable nor maxUnavailable")


def config_values(m):
    """The literal settings of the ConfigMap(s) the service Deployments load with envFrom."""
    values = {}
    for name in DEPLOYMENTS:
        doc = m.one("Deployment", name)
        for container in containers(doc) if doc else []:
            for source in container.get("envFrom") or []:
                ref = (source.get("configMapRef") or {}).get("name")
                config_map = m.one("ConfigMap", ref)
                if config_map:
                    values.update(config_map.get("data") or {})
    return values


def reviews_topic(m):
    wanted = config_values(m).get("REVIEWS_TOPIC", "reviews")
    for topic in m.all("KafkaTopic"):
        if topic["spec"].get("topicName", name_of(topic)) == wanted:
            return topic
    return None


def stream_processor(m, problems, **_):
    doc = m.one("Deployment", "stream-processor")
    if not doc:
        return
    topic = reviews_topic(m)
    replicas = doc["spec"].get("replicas", 1)
    if topic is None:
        problems.append("no KafkaTopic for the REVIEWS_TOPIC setting")
    elif replicas > topic["spec"]["partitions"]:
        problems.append(f"Deployment/stream-processor has {replicas} replicas but the reviews topic only "
                        f"{topic['spec']['partitions']} partitions")
    if pod_template(doc)["spec"].get("restartPolicy") != "Always":
        problems.append("Deployment/stream-processor does not set restartPolicy: Always")


def trainer(m, problems, **_):
    job = m.one("Job", "trainer")
    if not job:
        return
    spec = pod_template(job)["spec"]
    if spec.get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append("Job/trainer must use restartPolicy Never or OnFailure")
    # The train command only writes a model file; `trainer publish --model FILE` stores and activates it.
    words = " ".join(a for c in containers(job) for a in (c.get("command") or []) + (c.get("args") or [])).split()
    if not any(w == "publish" and nxt == "--model" for w, nxt in itertools.pairwise(words)):
        problems.append("Job/trainer does not run `trainer publish --model …` after training")


def resources_and_probes(m, problems, **_):
    for workload in m.workloads():
        for container in containers(workload):
            where = f"{workload['kind']}/{name_of(workload)} container {container['name']}"
            resources = container.get("resources") or {}
            for section in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(section) or {}):
                        problems.append(f"{where} has no {section}.{resource}")
    for name in DEPLOYMENTS:
        doc = m.one("Deployment", name)
        for container in containers(doc) if doc else []:
            ports = container_ports(container)
            for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
                http = (container.get(probe) or {}).get("httpGet")
                if not http or http.get("path") != path:
                    problems.append(f"Deployment/{name} container {container['name']} {probe} is not GET {path}")
                elif http.get("port") not in ports:
                    problems.append(f"Deployment/{name} {probe} port {http.get('port')!r} is not a container port")


def security(m, problems, ctx, **_):
    for workload in m.workloads():
        spec = pod_template(workload)["spec"]
        pod_context = spec.get("securityContext") or {}
        for container in containers(workload):
            merged = dict(pod_context, **(container.get("securityContext") or {}))
            if not merged.get("runAsNonRoot"):
                problems.append(f"{workload['kind']}/{name_of(workload)} container {container['name']} "
                                f"does not set runAsNonRoot")
            if (container.get("securityContext") or {}).get("privileged"):
                problems.append(f"{workload['kind']}/{name_of(workload)} runs a privileged container")
        service = labels_of(workload).get("app.kubernetes.io/name")
        if service in SERVICES:
            dockerfile = ctx.root / "docker" / f"Dockerfile.{service}"
            user = final_stage_user(dockerfile) if dockerfile.exists() else None
            uid = user.split(":")[0] if user else None
            if uid and str(pod_context.get("runAsUser")) != uid:
                problems.append(f"{workload['kind']}/{name_of(workload)} runAsUser {pod_context.get('runAsUser')} "
                                f"differs from the image's USER {uid}")


def images(m, problems, overlay, **_):
    for workload in m.workloads():
        for container in containers(workload) + (pod_template(workload)["spec"].get("initContainers") or []):
            image = container["image"]
            service = labels_of(workload).get("app.kubernetes.io/name")
            if service in SERVICES:
                expected = (f"{SAMPLE_REGISTRY}/{service}:{SAMPLE_TAG}" if overlay == "aws"
                            else f"review-stream/{service}:dev")
                if image != expected:
                    problems.append(f"{workload['kind']}/{name_of(workload)} runs {image}, expected {expected}")
            else:
                tag = image.rsplit("/", 1)[-1].partition(":")[2]
                if not tag or tag == "latest":
                    problems.append(f"{workload['kind']}/{name_of(workload)} image {image} is not pinned to a version")


def kafka_cluster(m):
    clusters = m.all("Kafka")
    return clusters[0] if clusters else None


def connection_secret(mongo, user):
    """The Secret the MongoDB operator writes the user's connection string to."""
    return user.get("connectionStringSecretName") or f"{name_of(mongo)}-{user.get('db', 'admin')}-{user['name']}"


def workload_of(m, service):
    """The Deployment, or for the trainer the Job, that runs a service."""
    return m.one("Deployment", service) or m.one("Job", service)


def mounted_secret(workload, container, path):
    """(Secret name, key) of the file at `path` when it lies in a Secret volume the container mounts, else None."""
    volumes = {v["name"]: v for v in pod_template(workload)["spec"].get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        secret = (volumes.get(mount["name"]) or {}).get("secret")
        directory = mount["mountPath"].rstrip("/")
        if not secret or not path.startswith(directory + "/"):
            continue
        relative = posixpath.relpath(path, directory)
        items = secret.get("items")
        if items is None:
            return secret["secretName"], relative
        for item in items:
            if item["path"] == relative:
                return secret["secretName"], item["key"]
    return None


def configuration(m, problems, **_):
    values = config_values(m)
    for key in ("KAFKA_BROKERS", "MONGO_DB", "REVIEWS_TOPIC", "DLQ_TOPIC", "LOG_FORMAT"):
        if key not in values:
            problems.append(f"the services' ConfigMap has no {key}")
    cluster = kafka_cluster(m)
    if cluster and "KAFKA_BROKERS" in values:
        ports = [listener["port"] for listener in cluster["spec"]["kafka"]["listeners"]]
        expected = {f"{name_of(cluster)}-kafka-bootstrap:{port}" for port in ports}
        if values["KAFKA_BROKERS"] not in expected:
            problems.append(f"KAFKA_BROKERS={values['KAFKA_BROKERS']} is not the bootstrap Service of "
                            f"Kafka/{name_of(cluster)} ({', '.join(sorted(expected))})")
    topics = {t["spec"].get("topicName", name_of(t)) for t in m.all("KafkaTopic")}
    for key in ("REVIEWS_TOPIC", "DLQ_TOPIC"):
        if key in values and values[key] not in topics:
            problems.append(f"{key}={values[key]} has no KafkaTopic")
    for name in DEPLOYMENTS:
        doc = m.one("Deployment", name)
        for container in containers(doc) if doc else []:
            env = {e["name"]: e for e in container.get("env") or []}
            if "PORT" not in env:
                problems.append(f"Deployment/{name} does not set PORT")
            elif int(env["PORT"]["value"]) not in container_ports(container).values():
                problems.append(f"Deployment/{name} PORT={env['PORT']['value']} is not a container port")


def kafka(m, problems, **_):
    cluster = kafka_cluster(m)
    if not cluster:
        problems.append("no Kafka resource")
        return
    annotations = (cluster["metadata"].get("annotations") or {})
    if annotations.get("strimzi.io/kraft") != "enabled" or annotations.get("strimzi.io/node-pools") != "enabled":
        problems.append(f"Kafka/{name_of(cluster)} is not in KRaft mode with node pools")
    pools = [p for p in m.all("KafkaNodePool") if labels_of(p).get("strimzi.io/cluster") == name_of(cluster)]
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    if brokers != 3:
        problems.append(f"Kafka/{name_of(cluster)} has {brokers} brokers, not 3")
    if controllers < 3 or controllers % 2 == 0:
        problems.append(f"Kafka/{name_of(cluster)} has {controllers} KRaft controllers; an odd number >= 3 is needed")
    config = cluster["spec"]["kafka"].get("config") or {}
    for key, wanted in (("default.replication.factor", 3), ("min.insync.replicas", 2),
                        ("offsets.topic.replication.factor", 3), ("transaction.state.log.replication.factor", 3)):
        if str(config.get(key)) != str(wanted):
            problems.append(f"Kafka/{name_of(cluster)} {key} is {config.get(key)!r}, not {wanted}")
    topics = {t["spec"].get("topicName", name_of(t)): t for t in m.all("KafkaTopic")}
    for wanted in ("reviews", "reviews.dlq"):
        if wanted not in topics:
            problems.append(f"no KafkaTopic for {wanted}")
    for topic_name, topic in topics.items():
        if labels_of(topic).get("strimzi.io/cluster") != name_of(cluster):
            problems.append(f"KafkaTopic/{name_of(topic)} is not labelled strimzi.io/cluster={name_of(cluster)}")
        if topic["spec"]["replicas"] != 3:
            problems.append(f"topic {topic_name} has replication factor {topic['spec']['replicas']}, not 3")
        isr = (topic["spec"].get("config") or {}).get("min.insync.replicas", config.get("min.insync.replicas"))
        if str(isr) != "2":
            problems.append(f"topic {topic_name} has min.insync.replicas {isr!r}, not 2")


def kafka_clients(m):
    """The services whose pods are labelled as Kafka clients."""
    return sorted(name for name in DEPLOYMENTS if m.pod_labels("Deployment", name).get("access/kafka") == "true")


def kafka_acl_limits(m):
    """Per Kafka client: which (resource type, name) it may touch with which operations, and which it must."""
    values = config_values(m)
    reviews, dead_letters = values.get("REVIEWS_TOPIC", "reviews"), values.get("DLQ_TOPIC", "reviews.dlq")
    group = "stream-processor"
    processor = m.one("Deployment", "stream-processor")
    for container in containers(processor) if processor else []:
        group = (container_env(m, processor, container).get("GROUP_ID") or {}).get("value", group)
    topics = {t["spec"].get("topicName", name_of(t)) for t in m.all("KafkaTopic")}
    products = values.get("PRODUCTS_TOPIC", "products")
    allowed = {
        "api-server": {("topic", reviews): {"Write", "Describe"}},
        "stream-processor": {("topic", reviews): {"Read", "Describe"}, ("group", group): {"Read", "Describe"},
                             ("topic", dead_letters): {"Write", "Describe"},
                             # The log check reads the message before each stored position with a consumer of its own.
                             ("group", f"{group}-log-check"): {"Read", "Describe"}},
    }
    if products in topics:
        # The processor reads the catalogue with a consumer group of its own, named after its main one.
        allowed["api-server"][("topic", products)] = {"Write", "Describe"}
        allowed["stream-processor"][("topic", products)] = {"Read", "Describe"}
        allowed["stream-processor"][("group", f"{group}-catalog")] = {"Read", "Describe"}
    required = {
        "api-server": {("topic", reviews): {"Write"}},
        "stream-processor": {("topic", reviews): {"Read"}, ("group", group): {"Read"}, ("topic", dead_letters): {"Write"},
                             ("group", f"{group}-log-check"): {"Read"}},
    }
    if products in topics:
        required["stream-processor"][("topic", products)] = {"Read"}
        required["stream-processor"][("group", f"{group}-catalog")] = {"Read"}
    return allowed, required


def kafka_authentication(m, problems, **_):
    """Kafka is reached only over TLS with a SCRAM-SHA-512 login, and each client logs in as its own user."""
    cluster = kafka_cluster(m)
    if not cluster:
        return
    for listener in cluster["spec"]["kafka"]["listeners"]:
        if listener.get("tls") is not True:
            problems.append(f"Kafka listener {listener['name']} is not TLS")
        if (listener.get("authentication") or {}).get("type") != KAFKA_AUTHENTICATION:
            problems.append(f"Kafka listener {listener['name']} does not authenticate with {KAFKA_AUTHENTICATION}")
    if (cluster["spec"]["kafka"].get("authorization") or {}).get("type") != "simple":
        problems.append(f"Kafka/{name_of(cluster)} does not enforce ACLs (authorization type simple)")
    users = {name_of(u) for u in m.all("KafkaUser")}
    ca_secret = f"{name_of(cluster)}-cluster-ca-cert"
    for name in kafka_clients(m):
        doc = m.one("Deployment", name)
        for container in containers(doc):
            env = container_env(m, doc, container)
            literals = {key: entry.get("value") for key, entry in env.items()}
            value = literals.get
            where = f"Deployment/{name}"
            if value("KAFKA_SECURITY_PROTOCOL") != "sasl_ssl":
                problems.append(f"{where} KAFKA_SECURITY_PROTOCOL is {value('KAFKA_SECURITY_PROTOCOL')!r}, not sasl_ssl")
            if value("KAFKA_SASL_MECHANISM") != "SCRAM-SHA-512":
                problems.append(f"{where} KAFKA_SASL_MECHANISM is {value('KAFKA_SASL_MECHANISM')!r}, not SCRAM-SHA-512")
            user = value("KAFKA_SASL_USERNAME")
            if user != name or user not in users:
                problems.append(f"{where} logs in to Kafka as {user!r}; it must be its own KafkaUser {name}")
            password_ref = ((env.get("KAFKA_SASL_PASSWORD") or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
            password_file = value("KAFKA_SASL_PASSWORD_FILE")
            source = ((password_ref.get("name"), password_ref.get("key")) if password_ref
                      else mounted_secret(doc, container, password_file) if password_file else None)
            if source != (name, "password"):
                problems.append(f"{where} does not take its Kafka password from its KafkaUser's Secret "
                                f"({name}, key password), but from {source}")
            ca_file = value("KAFKA_CA_FILE")
            if not ca_file or mounted_secret(doc, container, ca_file) != (ca_secret, "ca.crt"):
                problems.append(f"{where} KAFKA_CA_FILE is not the cluster CA ({ca_secret}, key ca.crt)")
    for workload in m.workloads():
        mounted = {v["secret"]["secretName"] for v in pod_template(workload)["spec"].get("volumes") or []
                   if v.get("secret")}
        referenced = {((e.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
                      for c in containers(workload) for e in c.get("env") or []}
        for other in (mounted | referenced) & users - {labels_of(workload).get("app.kubernetes.io/name")}:
            problems.append(f"{workload['kind']}/{name_of(workload)} reads the Secret of KafkaUser {other}")


def kafka_users(m, problems, **_):
    """One KafkaUser per Kafka client, with ACLs limited to what that service does."""
    cluster = kafka_cluster(m)
    if not cluster:
        return
    users = {name_of(u): u for u in m.all("KafkaUser")}
    clients = kafka_clients(m)
    if sorted(users) != clients:
        problems.append(f"the KafkaUsers are {sorted(users)}; expected one per Kafka client: {clients}")
    allowed, required = kafka_acl_limits(m)
    for name, user in users.items():
        where = f"KafkaUser/{name}"
        if labels_of(user).get("strimzi.io/cluster") != name_of(cluster):
            problems.append(f"{where} is not labelled strimzi.io/cluster={name_of(cluster)}")
        if (user["spec"].get("authentication") or {}).get("type") != KAFKA_AUTHENTICATION:
            problems.append(f"{where} does not authenticate with {KAFKA_AUTHENTICATION}")
        authorization = user["spec"].get("authorization") or {}
        if authorization.get("type") != "simple":
            problems.append(f"{where} has no simple authorization (ACLs)")
            continue
        granted = defaultdict(set)
        for acl in authorization.get("acls") or []:
            resource = acl["resource"]
            operations = set(acl.get("operations") or []) | ({acl["operation"]} if acl.get("operation") else set())
            if acl.get("type", "allow") != "allow":
                continue
            named = resource.get("patternType", "literal") == "literal" and resource.get("name") not in (None, "*")
            if resource["type"] not in ("topic", "group") or not named:
                problems.append(f"{where} has an ACL on {resource['type']} {resource.get('name', '(any)')!r} "
                                f"({resource.get('patternType', 'literal')}); only named topics and groups")
                continue
            key = (resource["type"], resource["name"])
            granted[key] |= operations
            extra = operations - allowed.get(name, {}).get(key, set())
            if extra:
                problems.append(f"{where} may {', '.join(sorted(extra))} on {key[0]} {key[1]}, which {name} "
                                f"does not need")
        for key, operations in required.get(name, {}).items():
            missing = operations - granted[key]
            if missing:
                problems.append(f"{where} lacks {', '.join(sorted(missing))} on {key[0]} {key[1]}")


def mongodb(m, problems, **_):
    resources = m.all("MongoDBCommunity")
    if len(resources) != 1:
        problems.append(f"expected one MongoDBCommunity resource, found {len(resources)}")
        return
    mongo = resources[0]
    spec = mongo["spec"]
    if spec.get("members") != 3 or spec.get("type") != "ReplicaSet":
        problems.append(f"MongoDBCommunity/{name_of(mongo)} is not a 3-member replica set")
    if not any(mode.startswith("SCRAM") for mode in spec["security"]["authentication"]["modes"]):
        problems.append(f"MongoDBCommunity/{name_of(mongo)} does not use SCRAM")
    users = {u["name"]: u for u in spec.get("users") or []}
    admins = [u for u in users.values()
              if {r["name"] for r in u["roles"]} & {"root", "clusterAdmin", "userAdminAnyDatabase"}]
    if not admins:
        problems.append("no MongoDB admin user (root, clusterAdmin or userAdminAnyDatabase)")


def user_grants(mongo, user):
    """What a MongoDB user may do: {(db, collection): actions}, collection "" meaning every collection of db,
    resolved through custom roles (spec.security.roles) and the built-in read and readWrite; plus the names of
    any other roles it holds."""
    custom = {(r["role"], r["db"]): r for r in (mongo["spec"]["security"].get("roles") or [])}
    grants, others = defaultdict(set), []

    def add(role, db, seen):
        if (role, db) in seen:
            return
        seen.add((role, db))
        if (role, db) in custom:
            for privilege in custom[(role, db)].get("privileges") or []:
                resource = privilege["resource"]
                key = ("(cluster)", "") if resource.get("cluster") else (resource.get("db", ""), resource.get("collection", ""))
                grants[key] |= set(privilege["actions"])
            for inner in custom[(role, db)].get("roles") or []:
                add(inner["role"] if "role" in inner else inner["name"], inner["db"], seen)
        elif role in BUILTIN_DB_ROLES:
            grants[(db, "")] |= BUILTIN_DB_ROLES[role]
        else:
            others.append(role)

    for role in user["roles"]:
        add(role["name"], role["db"], set())
    return grants, others


def actions_on(grants, db, collection):
    return grants[(db, collection)] | grants[(db, "")] | grants[("", collection)] | grants[("", "")]


def mongodb_users(m, problems, **_):
    """One MongoDB user per service with least privilege: the api-servers read the results and write only the
    accounts, the stream processor writes the results and only reads models, and only the trainer writes models."""
    resources = m.all("MongoDBCommunity")
    if len(resources) != 1:
        return
    mongo = resources[0]
    database = config_values(m).get("MONGO_DB", "sdtddb")
    users = {u["name"]: u for u in mongo["spec"].get("users") or []}
    connection_secrets = {connection_secret(mongo, u) for u in users.values()}
    for service in sorted(MONGO_CLIENTS):
        user = users.get(service)
        if not user:
            problems.append(f"no MongoDB user named {service}")
            continue
        where = f"MongoDB user {service}"
        grants, others = user_grants(mongo, user)
        if others:
            problems.append(f"{where} holds roles {sorted(others)}; only read, readWrite and the custom roles are allowed")
        for (db, collection), actions in grants.items():
            if db != database and actions:
                problems.append(f"{where} has privileges on {db or '(every database)'}.{collection or '*'}; "
                                f"only on MONGO_DB={database}")
        writable = {collection for (db, collection), actions in grants.items() if db == database and actions & WRITE_ACTIONS}
        if "" in writable:
            problems.append(f"{where} may write every collection of {database} (readWrite or a database-wide "
                            f"privilege), results and models included")
        may_write = {"api-server": set(ACCOUNT_COLLECTIONS), "trainer": {MODELS_COLLECTION, *SIMILAR_COLLECTIONS},
                     "stream-processor": set(RESULT_COLLECTIONS) | set(CATALOGUE_COLLECTIONS)}[service]
        for collection in sorted(writable - may_write - {""}):
            problems.append(f"{where} may write {database}.{collection}, which {service} must not")
        must_write = {"api-server": ACCOUNT_COLLECTIONS, "trainer": (MODELS_COLLECTION,),
                      "stream-processor": RESULT_COLLECTIONS}[service]
        for collection in must_write:
            missing = {"find", "insert", "update"} - actions_on(grants, database, collection)
            if missing:
                problems.append(f"{where} lacks {', '.join(sorted(missing))} on {database}.{collection}")
        must_read = {"api-server": RESULT_COLLECTIONS, "trainer": (), "stream-processor": (MODELS_COLLECTION,)}[service]
        for collection in must_read:
            if "find" not in actions_on(grants, database, collection):
                problems.append(f"{where} cannot read {database}.{collection}")
        workload = workload_of(m, service)
        for container in containers(workload) if workload else []:
            ref = ((container_env(m, workload, container).get("MONGO_URI") or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
            if ref.get("name") != connection_secret(mongo, user):
                problems.append(f"{workload['kind']}/{service} MONGO_URI does not come from its own user's "
                                f"connection string ({connection_secret(mongo, user)}) but from {ref.get('name')!r}")
    for workload in m.workloads():
        service = labels_of(workload).get("app.kubernetes.io/name")
        own = connection_secret(mongo, users[service]) if service in users else None
        for container in containers(workload):
            for env in container.get("env") or []:
                ref = ((env.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
                if ref in connection_secrets and ref != own:
                    problems.append(f"{workload['kind']}/{name_of(workload)} uses the MongoDB connection string {ref}, "
                                    f"not its own")


def secrets_created_by_script(ctx):
    script = (ctx.root / "scripts/cluster/create-secrets").read_text()
    return set(re.findall(r"(?:apply_secret|secret generic)\s+([a-z0-9-]+)", script))


def secret_references(m, problems, ctx, **_):
    available = secrets_created_by_script(ctx)
    # Strimzi's User Operator writes each KafkaUser's password to a Secret of the user's name, and the cluster
    # operator publishes the cluster CA certificate.
    available |= {name_of(u) for u in m.all("KafkaUser")}
    available |= {f"{name_of(c)}-cluster-ca-cert" for c in m.all("Kafka")}
    for mongo in m.all("MongoDBCommunity"):
        for user in mongo["spec"].get("users") or []:
            available.add(connection_secret(mongo, user))
            if user["passwordSecretRef"]["name"] not in secrets_created_by_script(ctx):
                problems.append(f"MongoDB user {user['name']}'s password Secret {user['passwordSecretRef']['name']} "
                                f"is not made by scripts/cluster/create-secrets")
    for workload in m.workloads():
        spec = pod_template(workload)["spec"]
        refs = [s["name"] for s in spec.get("imagePullSecrets") or []]
        for container in containers(workload):
            for env in container.get("env") or []:
                ref = ((env.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
                if ref:
                    refs.append(ref)
            for source in container.get("envFrom") or []:
                if source.get("secretRef"):
                    refs.append(source["secretRef"]["name"])
        for volume in spec.get("volumes") or []:
            if volume.get("secret"):
                refs.append(volume["secret"]["secretName"])
        for ref in refs:
            if ref not in available:
                problems.append(f"{workload['kind']}/{name_of(workload)} needs Secret {ref}, which neither "
                                f"scripts/cluster/create-secrets nor an operator creates")


def allowed_sources(m, pod_labels, port):
    """Which peers the NetworkPolicies let in to pods with these labels on this port: a list of
    podSelectors, or None when a rule admits every source."""
    sources = []
    for policy in m.all("NetworkPolicy"):
        spec = policy["spec"]
        if "Ingress" not in (spec.get("policyTypes") or ["Ingress"]):
            continue
        if not matches(spec["podSelector"], pod_labels) and spec["podSelector"] != {}:
            continue
        for rule in spec.get("ingress") or []:
            ports = [p.get("port") for p in rule.get("ports") or []]
            if ports and port not in ports:
                continue
            peers = rule.get("from")
            if not peers:
                return None
            for peer in peers:
                if "ipBlock" in peer or "namespaceSelector" in peer and "podSelector" not in peer:
                    return None
                sources.append(peer.get("podSelector") or {})
    return sources


def network_policies(m, problems, **_):
    policies = m.all("NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and "Ingress" in p["spec"].get("policyTypes", [])
            and not p["spec"].get("ingress")]
    if not deny:
        problems.append("no default-deny ingress NetworkPolicy (podSelector {} with no ingress rules)")
    pods = {}
    for workload in m.workloads():
        pods[labels_of(workload).get("app.kubernetes.io/name") or name_of(workload)] = \
            (pod_template(workload).get("metadata") or {}).get("labels") or {}
    for service, labels in pods.items():
        for container in [c for w in m.workloads() if (labels_of(w).get("app.kubernetes.io/name") or name_of(w))
                          == service for c in containers(w)]:
            for port in {p["containerPort"] for p in container.get("ports") or []}:
                if allowed_sources(m, labels, port) is None and service != "gateway":
                    problems.append(f"{service} port {port} is open to every source; only the gateway may be")
    if "gateway" in pods and allowed_sources(m, pods["gateway"], 8080) is not None:
        problems.append("the gateway's port 8080 is not open to outside traffic")
    kafka_clients = {s for s, labels in pods.items() if labels.get("access/kafka") == "true"}
    if kafka_clients != KAFKA_CLIENTS:
        problems.append(f"pods labelled access/kafka=true are {sorted(kafka_clients)}, "
                        f"expected {sorted(KAFKA_CLIENTS)}")
    mongo_clients = {s for s, labels in pods.items() if labels.get("access/mongo") == "true"}
    if mongo_clients != MONGO_CLIENTS:
        problems.append(f"pods labelled access/mongo=true are {sorted(mongo_clients)}, "
                        f"expected {sorted(MONGO_CLIENTS)}")
    cluster = kafka_cluster(m)
    for listener in (cluster["spec"]["kafka"]["listeners"] if cluster else []):
        peers = listener.get("networkPolicyPeers")
        if peers != [{"podSelector": {"matchLabels": {"access/kafka": "true"}}}]:
            problems.append(f"Kafka listener {listener['name']} does not restrict clients to access/kafka=true pods")
    for mongo in m.all("MongoDBCommunity"):
        member_labels = {"app": f"{name_of(mongo)}-svc"}
        sources = allowed_sources(m, member_labels, 27017)
        if sources is None:
            problems.append("MongoDB port 27017 is open to every source")
            continue
        if not sources:
            problems.append("no NetworkPolicy admits clients to MongoDB on 27017")
        for selector in sources:
            if selector not in ({"matchLabels": {"access/mongo": "true"}}, {"matchLabels": member_labels}):
                problems.append(f"MongoDB admits pods matching {selector}; only access/mongo=true and its members")


def prometheus(m, problems, **_):
    for name in DEPLOYMENTS:
        doc = m.one("Deployment", name)
        if not doc:
            continue
        annotations = (pod_template(doc).get("metadata") or {}).get("annotations") or {}
        if annotations.get("prometheus.io/scrape") != "true":
            problems.append(f"Deployment/{name} pods are not annotated prometheus.io/scrape: \"true\"")
            continue
        port = int(annotations.get("prometheus.io/port", "0"))
        if not any(port in container_ports(c).values() for c in containers(doc)):
            problems.append(f"Deployment/{name} prometheus.io/port {port} is not a container port")
        if annotations.get("prometheus.io/path", "/metrics") != "/metrics":
            problems.append(f"Deployment/{name} prometheus.io/path is not /metrics")
        sources = allowed_sources(m, m.pod_labels("Deployment", name), port)
        if sources is not None and not any(matches(s, m.pod_labels("Deployment", "prometheus")) for s in sources):
            problems.append(f"no NetworkPolicy lets Prometheus scrape {name} on port {port}")
    server = m.one("Deployment", "prometheus")
    if not server:
        problems.append("no Prometheus Deployment")
        return
    config_maps = [v["configMap"]["name"] for v in pod_template(server)["spec"].get("volumes") or []
                   if v.get("configMap")]
    configs = [m.one("ConfigMap", name) for name in config_maps]
    files = {key: text for c in configs if c for key, text in (c.get("data") or {}).items()}
    if "prometheus.yml" not in files:
        problems.append("the Prometheus Deployment mounts no prometheus.yml")
        return
    config = yaml.safe_load(files["prometheus.yml"])
    # The alert rules it loads must be mounted beside it and cover a stuck processor and consumer lag.
    alerts = []
    for path in config.get("rule_files") or []:
        name = path.rsplit("/", 1)[-1]
        if name not in files:
            problems.append(f"Prometheus loads rule file {path}, which its ConfigMap does not hold")
            continue
        alerts += [r for g in (yaml.safe_load(files[name]) or {}).get("groups") or [] for r in g.get("rules") or [] if "alert" in r]
    for metric in ("stream_stuck", "stream_consumer_lag"):
        if not any(re.search(rf"\b{metric}\b", str(r.get("expr", ""))) for r in alerts):
            problems.append(f"no Prometheus alert rule on {metric}")
    jobs = [j for j in config.get("scrape_configs") or []
            if any(sd.get("role") == "pod" for sd in j.get("kubernetes_sd_configs") or [])]
    keeps = [r for j in jobs for r in j.get("relabel_configs") or []
             if r.get("action") == "keep"
             and r.get("source_labels") == ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]]
    if not keeps:
        problems.append("the Prometheus configuration has no pod job keyed on the prometheus.io/scrape annotation")
    rules = [rule for role in m.all("Role") for rule in role.get("rules") or []]
    if not any("pods" in r.get("resources", []) and {"list", "watch"} <= set(r.get("verbs", [])) for r in rules):
        problems.append("Prometheus has no Role to list and watch pods")


def grafana(m, problems, ctx, **_):
    dashboard_file = ctx.root / "k8s/base/monitoring/dashboards/review-stream.json"
    server = m.one("Deployment", "grafana")
    if not server:
        problems.append("no Grafana Deployment")
        return
    names = [v["configMap"]["name"] for v in pod_template(server)["spec"].get("volumes") or [] if v.get("configMap")]
    mounted = {}
    for name in names:
        config_map = m.one("ConfigMap", name)
        if config_map:
            mounted.update(config_map.get("data") or {})
    if dashboard_file.exists():
        if mounted.get("review-stream.json") is None:
            problems.append("Grafana does not mount the review-stream dashboard")
        elif json.loads(mounted["review-stream.json"]) != json.loads(dashboard_file.read_text()):
            problems.append("the dashboard Grafana mounts differs from k8s/base/monitoring/dashboards/review-stream.json")
    for container in containers(server):
        for env in container.get("env") or []:
            if env["name"] == "GF_SECURITY_ADMIN_PASSWORD" and "value" in env:
                problems.append("Grafana's admin password is a literal in the manifests")


def no_credentials(m, problems, **_):
    for doc in m.docs:
        if doc.get("kind") == "Secret":
            problems.append(f"Secret/{name_of(doc)} is in the manifests; Secrets come from scripts/cluster/create-secrets")
    for workload in m.workloads():
        for container in containers(workload):
            for env in container.get("env") or []:
                # A *_FILE setting names the file a mounted Secret puts the credential in, not the credential.
                if (re.search(r"PASSWORD|SECRET|TOKEN|CREDENTIAL", env["name"]) and "value" in env
                        and not env["name"].endswith("_FILE")):
                    problems.append(f"{workload['kind']}/{name_of(workload)} sets {env['name']} to a literal value")
                if "value" in env and re.search(r"://[^/@\s]+:[^/@\s]+@", str(env["value"])):
                    problems.append(f"{workload['kind']}/{name_of(workload)} {env['name']} embeds a password in a URL")
