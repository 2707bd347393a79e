"""omniact's built-in agents, registered under the entry-point group ``omniact.agents``.

- ``detact`` (agents.detact): DetACT's detection (OCR, icon matching, colour) filtered by the goal, then a
  heuristic planner, offline; ``llm=openai|local|vlm`` hands the filtered elements to a model instead.
- ``oracle`` (agents.oracle): the gold script; a reference that must score 1.0 (runs are flagged uses_gold).
- ``noop`` (agents.noop): an empty script.
- ``random`` (agents.random_agent): random actions, seeded per task.
- ``llm`` (agents.llm): the OmniACT paper's prompt to an OpenAI-compatible server or a local causal LM.
- ``vlm`` (agents.vlm): the same prompt plus the (resized) screenshot, for vision-language models.

Their parts: agents.prompt (the prompt and the MiniLM example selector), agents.backends (model backends),
agents.cache (the response cache), agents.extract (the script in a model's answer). Like any third-party
agent, they use only omniact's public API.
"""
