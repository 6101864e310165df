"""The wire format: pydantic models are where arrays become lists. REST, the WebSocket and the page's
first state all speak these shapes (see docs/api.md)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from engine.activations import ACTIVATIONS
from engine.config import ORDERS, TrainConfig
from engine.datasets import DATASETS, PROBLEMS
from engine.features import FEATURE_ORDER
from engine.network import INITS, REGULARIZATIONS
from engine.optimizers import OPTIMIZERS
from engine.outputs import LOSSES, OUTPUTS, check_head

Problem = Literal[tuple(PROBLEMS)]
DatasetName = Literal[tuple(DATASETS) + ("custom",)]
FeatureName = Literal[FEATURE_ORDER]
ActivationName = Literal[tuple(ACTIVATIONS)]
OutputName = Literal[tuple(OUTPUTS)]
LossName = Literal[tuple(LOSSES)]
OptimizerName = Literal[tuple(OPTIMIZERS)]
InitName = Literal[tuple(INITS)]
RegularizationName = Literal[tuple(REGULARIZATIONS)]
OrderName = Literal[tuple(ORDERS)]
Phase = Literal["ready", "forward", "loss", "backward", "update"]
DEFAULT = TrainConfig()  # the engine's config holds every default; the wire model adds types and limits


class Config(BaseModel):
    """Every engine choice. Absent fields take defaults that suit the problem and dataset."""

    model_config = ConfigDict(extra="forbid")

    problem: Problem = DEFAULT.problem
    dataset: DatasetName = None  # type: ignore[assignment]  # filled by the problem
    points: Optional[list[tuple[float, float, float]]] = None
    num_samples: int = Field(DEFAULT.num_samples, ge=10)
    noise: float = Field(DEFAULT.noise, ge=0, le=80)  # percent; a TFP link above 80 reads as 50
    train_percent: float = Field(DEFAULT.train_percent, ge=10, le=90)
    features: list[FeatureName] = Field(default_factory=lambda: list(DEFAULT.features), min_length=1)
    hidden_layers: list[int] = Field(default_factory=lambda: list(DEFAULT.hidden_layers))
    activation: ActivationName = DEFAULT.activation
    output: OutputName = None  # type: ignore[assignment]
    loss: LossName = None  # type: ignore[assignment]
    optimizer: OptimizerName = DEFAULT.optimizer
    learning_rate: float = Field(DEFAULT.learning_rate, gt=0, le=100)
    momentum: float = Field(DEFAULT.momentum, ge=0, lt=1)
    beta1: float = Field(DEFAULT.beta1, ge=0, lt=1)
    beta2: float = Field(DEFAULT.beta2, ge=0, lt=1)
    alpha: float = Field(DEFAULT.alpha, ge=0, lt=1)
    eps: float = Field(DEFAULT.eps, gt=0, le=1)
    regularization: RegularizationName = DEFAULT.regularization
    regularization_rate: float = Field(DEFAULT.regularization_rate, ge=0, le=100)
    batch_size: int = Field(DEFAULT.batch_size, ge=1)
    init: InitName = DEFAULT.init
    order: OrderName = DEFAULT.order
    seed: Optional[str] = Field(None, min_length=1, max_length=64)

    @field_validator("hidden_layers")
    @classmethod
    def _positive_widths(cls, widths: list[int]) -> list[int]:
        if any(w < 1 for w in widths):
            raise ValueError("every hidden layer needs at least 1 neuron")
        return widths

    @field_validator("features")
    @classmethod
    def _canonical_features(cls, names: list[str]) -> list[str]:
        return [n for n in FEATURE_ORDER if n in names]  # TFP's node order, no duplicates

    @model_validator(mode="before")
    @classmethod
    def _problem_defaults(cls, data):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        regression = data.get("problem") == "regression"
        if data.get("dataset") is None:
            data["dataset"] = "reg-plane" if regression else "circle"
        if data.get("output") is None:
            three_classes = data["dataset"] == "spiral3" or (
                data["dataset"] == "custom" and any(_label(p) == 2 for p in data.get("points") or ()))
            data["output"] = "linear" if regression else ("softmax" if three_classes else "sigmoid")
        if data.get("loss") is None:
            data["loss"] = "cross_entropy" if data["output"] in ("sigmoid", "softmax") else "mse"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "Config":
        if self.dataset == "custom":
            if not self.points:
                raise ValueError("dataset 'custom' needs 'points': a list of [x, y, label]")
            num_classes = 3 if any(p[2] == 2 for p in self.points) else 2
        else:
            if self.points is not None:
                raise ValueError("'points' is only for dataset 'custom'")
            dataset = DATASETS[self.dataset]
            if dataset.problem != self.problem:
                raise ValueError(f"dataset '{self.dataset}' is for {dataset.problem}, not {self.problem}")
            num_classes = dataset.num_classes
        check_head(self.problem, num_classes if self.problem == "classification" else 0,
                   self.output, self.loss)
        return self


def _label(point) -> object:
    try:
        return point[2]
    except (TypeError, IndexError, KeyError):
        return None  # the field validator reports the malformed point


class View(BaseModel):
    """Page-only settings that travel in the share URL (TFP's showTestData, discretize, hideText, *_hide)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    show_test_data: bool = False
    discretize: bool = False
    hide_text: bool = False
    hidden: list[str] = Field(default_factory=list, max_length=64)


class CreateSession(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    config: Optional[dict] = None
    view: Optional[View] = None
    hash: Optional[str] = Field(None, max_length=400_000)  # room for 5000 custom points at full precision


class PatchSession(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    config: dict = Field(default_factory=dict)
    view: Optional[dict] = None


def _whole_number(value):
    """A JSON number with no fraction (285.0) is the integer the schema allows; strings and bools are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Index = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]


class StepRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    steps: WholeNumber = Field(1, ge=1)


class ParameterEdit(BaseModel):
    """Either whole arrays of one layer, or one entry: ``kind``, ``i`` (row / neuron), ``j``, ``value``."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as the schema says

    layer: WholeNumber = Field(ge=0)
    weights: Optional[list[list[float]]] = None
    biases: Optional[list[float]] = None
    kind: Optional[Literal["weight", "bias"]] = None
    i: Optional[Index] = None
    j: Optional[Index] = None
    value: Optional[float] = None


Number = Optional[float]  # null where a diverged run has NaN or infinity
Row = list[Number]


class Layer(BaseModel):
    """One weight matrix ``[fan_in][fan_out]`` and its biases, with the latest phase results."""

    weights: list[Row]
    biases: Row
    grad_weights: Optional[list[Row]] = None
    grad_biases: Optional[Row] = None
    step_weights: Optional[list[Row]] = None
    step_biases: Optional[Row] = None
    z: Optional[Row] = None
    a: Optional[Row] = None
    delta: Optional[Row] = None


class Batch(BaseModel):
    indices: list[int]
    inputs: list[Row]
    targets: Row
    outputs: list[Row]
    losses: Optional[Row] = None
    cost: Number = None


class Split(BaseModel):
    train: Optional[float] = None
    test: Optional[float] = None


class State(BaseModel):
    step: int
    epoch: int
    phase: Phase
    status: Literal["ok", "diverged"]
    loss: Split
    accuracy: Optional[Split] = None
    layers: list[Layer]
    grad_norms: Optional[Row] = None
    batch: Optional[Batch] = None


class Points(BaseModel):
    x: list[list[float]]
    y: list[float]


class Data(BaseModel):
    train: Points
    test: Points


class FeatureInfo(BaseModel):
    name: str
    label: str


class Session(BaseModel):
    id: str
    config: Config
    view: View
    share_hash: str
    # share_hash plus step=N: opens this trained state by deterministic replay; null when a replay would not
    # give this network back (a live change mid-run, a hand edit) or would be refused as too long
    trained_hash: Optional[str] = None
    # why Copy link cannot share this setup (custom points past the link's budget), or null
    link_note: Optional[str] = None
    features: list[FeatureInfo]
    num_classes: int
    data: Data
    state: State
