"""The paper's multimodal agent: the same prompt as `llm`, plus the screenshot.

The screenshot is resized so that its longer side is at most ``max_side`` pixels (the model sees and answers
in the resized image's pixels; the element list is scaled the same way), and the answer's coordinates are
mapped back to screenshot pixels.

    omniact run --agent vlm --agent-arg model_path=~/models/smolvlm --agent-arg max_side=768 ...
"""

from __future__ import annotations

from typing import Any

from agents.llm import LLMAgent
from omniact.errors import UserError

__all__ = ["VLMAgent"]


class VLMAgent(LLMAgent):
    """The llm prompt plus the screenshot (resized to max_side), for vision-language models."""

    name = "vlm"
    _vision = True

    def __init__(self, *args: Any, max_side: int = 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(max_side, bool) or not isinstance(max_side, int) or max_side < 0:
            raise UserError(f"max_side must be a whole number of pixels (0: the screenshot at full size), not "
                            f"{max_side!r}")
        self.max_side = max_side

    def _prompt(self) -> dict[str, Any]:
        return {**super()._prompt(), "max_side": self.max_side}

    def messages(self, view: Any) -> tuple[list[dict[str, Any]], float]:
        from PIL import Image

        from agents.backends import image_data_url
        from agents.prompt import build_messages, format_elements

        image = view.image
        longest = max(image.width, image.height)
        scale = min(1.0, self.max_side / longest) if self.max_side else 1.0  # 0: full size
        if scale < 1.0:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image = image.resize(size, Image.Resampling.LANCZOS)
            # the exact factor of the rounded size, so mapping back lands on the same pixels
            scale = image.width / view.width
        elements = format_elements(view.detections, scale, self.max_elements)
        examples = [scaled_example(ex, scale) for ex in self.examples(view.goal)]
        return build_messages(view.goal, examples, elements, image_data_url(image)), scale


def scaled_example(example: Any, scale: float) -> Any:
    """An in-context example with its script's points multiplied by `scale`, as the screen's elements are: in
    full-size pixels they taught the model a space other than the image it is shown (and answers in)."""
    if scale == 1.0:
        return example
    from dataclasses import replace

    from omniact.actions import map_points

    return replace(example, script=map_points(example.script, lambda x, y: (round(x * scale), round(y * scale))))
