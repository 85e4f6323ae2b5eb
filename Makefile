# The two commands a new user needs: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench notebook clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO := runs/demo

# micrograd's demo trained with a progress bar, then one neuron's graph and its backward, step by step.
demo: $(STAMP)
	$(BIN)/chainrule train --out $(DEMO)
	$(BIN)/chainrule graph "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.8814 --params w1,w2,b \
		--out $(DEMO)/neuron.svg --steps $(DEMO)/neuron_steps
	@echo
	@echo "Done. Open the results in $(DEMO)/:"
	@echo "  loss.png, boundary.png, network.png   the training run (plots)"
	@echo "  graph.svg                             before training: the worst-fitted sample's loss and its gradients"
	@echo "  neuron.svg, neuron_steps/backward.gif one neuron's graph, and backward step by step"
	@echo "  neuron_steps/backward.html            the same steps as one page (open it in a browser; arrow keys step)"
	@echo "  model.json, metrics.json              the trained model (nn.MLP.load) and its numbers"
	@echo "  history.csv                           the numbers behind loss.png, a row per epoch"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# The peers (micrograd, PyTorch, JAX) get their own venvs under benchmarks/ on first use (benchmarks/peers.py).
bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/nn_step.py
	$(BIN)/python benchmarks/same_program.py
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/playground.py

# JupyterLab on a working copy of the notebooks, so that autosaved outputs and a learner's edits never
# touch the committed notebooks/. A copy is made only when missing: delete one to get it fresh.
LEARNER := runs/notebooks
NOTEBOOK_STAMP := $(VENV)/.notebook-installed
# JupyterLab refuses to start as root (containers, cloud machines) unless told --allow-root.
USER_ID ?= $(shell id -u)
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

$(NOTEBOOK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,notebook]'
	touch $(NOTEBOOK_STAMP)

$(LEARNER)/%.ipynb: | notebooks/%.ipynb
	@mkdir -p $(@D)
	cp notebooks/$*.ipynb $@

notebook: $(NOTEBOOK_STAMP) $(patsubst notebooks/%,$(LEARNER)/%,$(wildcard notebooks/*.ipynb))
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(LEARNER)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
