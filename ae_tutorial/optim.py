"""TF1's ``RMSPropOptimizer`` as a Keras 3 optimizer (chapter "RMSProp")."""

import keras

from ._tf import tf
from .config import OriginalConfig


class RMSProp(keras.optimizers.Optimizer):
    """RMSProp with TF1's semantics, usable wherever a Keras optimizer is.

    For a variable ``v`` with gradient ``g``, TF1's ``ApplyRMSProp`` kernel computes::

        ms  <- ms + (g * g - ms) * (1 - rho)          # ms starts at ONES
        mom <- momentum * mom + lr * g / sqrt(ms + epsilon)
        v   <- v - mom

    Keras' own ``RMSprop`` starts ``ms`` at zeros and uses ``epsilon = 1e-7`` (inside
    the square root too), so for the original's tiny gradients its first steps are
    thousands of times larger: it is not the original's optimiser. ``rho``, ``momentum``
    and ``epsilon`` default to ``tf.train.RMSPropOptimizer``'s (``decay=0.9``,
    ``momentum=0.0``, ``epsilon=1e-10``), ``learning_rate`` to the original's 0.01. Each
    update calls that very kernel, one fused pass over the variable, so the updates are
    TF1's to the last bit.

    Args:
        learning_rate: ``lr`` above.
        rho: the decay of the moving mean square ``ms`` (TF1's ``decay``), in [0, 1).
        momentum: in [0, 1).
        epsilon: added to ``ms`` inside the square root, 0 or more.
        name: the optimiser's name.
        **kwargs: passed on to ``keras.optimizers.Optimizer``.

    Raises:
        ValueError: if ``rho``, ``momentum`` or ``epsilon`` is out of range.
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-10,
        name: str = "rmsprop_tf1",
        **kwargs,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0.0 <= rho < 1.0 or not 0.0 <= momentum < 1.0 or not epsilon >= 0.0:
            raise ValueError(
                f"RMSProp needs 0 <= rho < 1, 0 <= momentum < 1, epsilon >= 0; "
                f"got rho={rho}, momentum={momentum}, epsilon={epsilon}"
            )
        self.rho, self.momentum, self.epsilon = rho, momentum, epsilon

    def build(self, var_list: list[keras.Variable]) -> None:
        """Create the slots ``ms`` (ones) and ``mom`` (zeros) for each variable, once.

        Args:
            var_list: the variables this optimiser will update.
        """
        if self.built:
            return
        super().build(var_list)
        add = self.add_variable_from_reference
        self._ms = [add(v, "ms", initializer="ones") for v in var_list]
        self._mom = [add(v, "momentum") for v in var_list]

    def update_step(
        self, gradient: tf.Tensor, variable: keras.Variable, learning_rate: tf.Tensor
    ) -> None:
        """Apply one update to ``variable`` with TF1's ``ApplyRMSProp`` kernel.

        Keras calls it from ``apply_gradients``.

        Args:
            gradient: the gradient of the loss with respect to ``variable``.
            variable: a variable passed to ``build``.
            learning_rate: this step's learning rate.
        """
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        tf.raw_ops.ResourceApplyRMSProp(
            var=variable.handle,
            ms=self._ms[index].handle,
            mom=self._mom[index].handle,
            lr=tf.cast(learning_rate, dtype),
            rho=tf.constant(self.rho, dtype),
            momentum=tf.constant(self.momentum, dtype),
            epsilon=tf.constant(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype),
        )

    def get_config(self) -> dict[str, object]:
        """The optimiser's settings, Keras' and ``rho``, ``momentum`` and ``epsilon``.

        Returns:
            Keras' settings (name, learning rate, ...) plus ``rho``, ``momentum`` and
            ``epsilon``, for saving the optimiser with a model.
        """
        config = super().get_config()
        config.update(rho=self.rho, momentum=self.momentum, epsilon=self.epsilon)
        return config


def make_optimizer(config: OriginalConfig) -> keras.optimizers.Optimizer:
    """The optimiser ``config.optimizer`` names, at ``config.learning_rate``.

    ``"rmsprop"`` is the original's (``RMSProp`` above); ``"keras_rmsprop"`` and ``"adam"`` are
    Keras' ``RMSprop`` and ``Adam`` with their other defaults (chapter "Why the original
    learns so slowly"). ``"adam_cosine"`` is that ``Adam`` with its rate falling from
    ``config.learning_rate`` to 0 along half a cosine over ``config.num_steps`` steps (Keras'
    ``CosineDecay``; chapter "How small can the code be?").

    Args:
        config: its ``optimizer`` and ``learning_rate`` are used (and for ``"adam_cosine"``,
            ``num_steps``).

    Returns:
        A new, unbuilt optimiser.

    Raises:
        ValueError: if ``config.optimizer`` is not one of the four.
    """
    kinds = {
        "rmsprop": RMSProp,
        "keras_rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
    }
    if config.optimizer == "adam_cosine":
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.num_steps)
        return keras.optimizers.Adam(learning_rate=rate)
    if config.optimizer not in kinds:
        raise ValueError(
            f"unknown optimizer {config.optimizer!r}; choose one of {sorted(kinds)} "
            "or 'adam_cosine'"
        )
    return kinds[config.optimizer](learning_rate=config.learning_rate)
