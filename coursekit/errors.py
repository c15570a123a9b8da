"""Words for what went wrong when a student's code raised an error, or returned another precision: the
cause where it is a known one (PyTorch's own advice is often the wrong fix), with the case's sizes named
(``sizes``: {size: its name}, from :func:`coursekit.probe.size_names`); the course's own errors quoted,
since they already say what was expected.

    >>> explain(RuntimeError("Trying to backward through the graph a second time ..."))
    'The generated images were used in D's loss without .detach(): ...'
"""

import re

import torch

from coursekit.probe import named_size as _with_name


def _raised_by_course(error):
    """True when ``error`` is one of the course's own (a ValueError raised in coursekit, not in a check)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_code.co_filename if tb is not None else ""
    return isinstance(error, ValueError) and "coursekit" in where and not where.endswith("checks.py")


def explain(error, sizes=None):
    """The hint for an error a student's code raised: the cause where it is a known one, not PyTorch's
    advice; the sizes a shape error names, by what they are (``sizes``: {size: its name})."""
    text = str(error)
    if "backward through the graph a second time" in text:
        return ("The generated images were used in D's loss without .detach(): D's backward pass went on "
                "into G and freed G's graph, so G's own backward pass cannot run. Give D fake.detach(), not "
                "fake (retain_graph=True, which the error suggests, would hide the bug and leak D's loss "
                "into G).")
    if "does not require grad and does not have a grad_fn" in text:
        return ("The loss has no gradient path to the parameters: a .detach(), torch.no_grad() or .item() "
                "cut it. Detach only what must not be trained (G's loss needs D(fake), not "
                "D(fake.detach())).")
    if "modified by an inplace operation" in text:
        return ("A network's weights changed between its forward pass and its backward pass: an optimizer "
                "stepped in between. Call each optimizer's step() right after its own loss's backward(), "
                "opt_D's after D's loss and opt_G's after G's, and check that the two are not crossed.")
    if ("expected scalar type Double" in text or "must have the same dtype" in text
            or "found dtype Double" in text or ("Double" in text and "Float" in text)
            or "double != float" in text or "float != double" in text):
        return ("A float64 tensor met the network's float32 weights (NumPy arrays and torch.tensor of Python "
                "floats with dtype=torch.float64 are float64): convert the input with x.float().")
    if "Sizes of tensors must match except in dimension" in text:
        return ("torch.cat joins tensors that agree in every dimension but the joined one: print the shapes "
                "you join (in a U-Net, each decoder output meets the encoder output of its own resolution).")
    said = error_words(error, sizes or {})
    if said:
        return said[0].upper() + said[1:] + "."
    if _raised_by_course(error):  # the course's own errors say what was expected and how to fix it
        return f"The course's code refused your call, and says why: {text.rstrip('.')}."
    if "must match the size" in text or "shape" in text and "mismatch" in text:
        return GENERIC[0]
    return GENERIC[1]


#: the words for an error no pattern explains (the check adds the line of the student's that raised it)
GENERIC = ("Two tensors' shapes do not fit: print the shapes of the inputs and of each intermediate result.",
           "Read the error above; run the function on a small input to find the line.")


def placed(where, said):
    """An error no pattern explains (``said``, one of GENERIC), placed on the student's line ``where``."""
    if said == GENERIC[0]:
        return (f"{where} raised it: two tensors' shapes there do not fit; print the shapes of what it "
                "combines.")
    return (f"{where} raised it: read the error's last line against that line, and print the types and "
            "shapes of what it uses.")


#: PyTorch's shape errors, read: (pattern, fn(match, sizes) -> words).
ERRORS = [
    (r"(\w+)\(\): argument '(\w+)' \(position \d+\) must be Tensor, not (int|float)",
     lambda m, s: (f"your torch.{m[1]} call was given a Python {m[3]} where it takes a tensor: for a plain "
                   f"number use the math module (math.{m[1]}), or make it a tensor first "
                   "(torch.tensor(x, dtype=torch.float32))")),
    (r"argument '(\w+)' must be Number, not Tensor",
     lambda m, s: (f"the option {m[1]}= takes a plain number, and was given a tensor: multiply by the tensor "
                   "yourself instead (x + strength * noise)")),
    (r"Given groups=(\d+), expected weight to be divisible by \1 at dimension 0",
     lambda m, s: (f"a grouped convolution with groups={_with_name(m[1], s)}: the weight's first dimension "
                   "must hold one block of output channels per group. With the batch folded into the "
                   "channels (1, N·C, H, W), groups is the batch size N and the weight is "
                   "(N·C_out, C_in, k, k)")),
    (r"Boolean value of Tensor with more than one value is ambiguous",
     lambda m, s: ("a tensor of several values stood where Python needs one True or False: an `if`, `and` or "
                   "`or`, or tensors given to a loss *class*, which takes them as its options "
                   "(nn.BCEWithLogitsLoss(logits, target)): call the function "
                   "(F.binary_cross_entropy_with_logits(logits, target)) or build the class first "
                   "(nn.BCEWithLogitsLoss()(logits, target))")),
    (r"stack expects each tensor to be equal size",
     lambda m, s: ("your torch.stack makes a new dimension and needs tensors of one shape: to join tensors "
                   "along a dimension they already have (the channels), use torch.cat(..., dim=1)")),
    (r"(\w+) is not a valid value for reduction",
     lambda m, s: (f"reduction='{m[1]}' is not an option of this loss: it takes 'mean' (the default), 'sum' "
                   "or 'none' ('batchmean' belongs to F.kl_div)")),
    (r"Expected size for first two dimensions of batch2 tensor|batch1 and batch2|both arguments to matmul",
     lambda m, s: ("a matrix product (@, torch.matmul) met sizes that do not chain: where the formula "
                   "multiplies entry by entry, write *; where it means a matrix product, a transpose is "
                   "missing")),
    (r"a leaf Variable that requires grad is being used in an in-place operation",
     lambda m, s: ("an in-place change (-=, +=, .sub_) of a tensor that needs a gradient: take the step "
                   "under torch.no_grad(), or out of place (code = code - lr * grad) and make the result a "
                   "leaf again (.detach().requires_grad_())")),
    (r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension (\d+)",
     lambda m, s: (f"two tensors did not line up: one has {_with_name(m[1], s)} where the other has "
                   f"{_with_name(m[2], s)}. A vector meant to act per image or per channel needs a shape "
                   "that broadcasts (view(-1, 1, 1, 1) or [:, :, None, None] on the right axis), and a "
                   "reduction keeps its dimension with keepdim=True")),
    (r"index (-?\d+) is out of bounds for dimension (\d+) with size (\d+)",
     lambda m, s: (f"an index ({m[1]}) ran past the end of a dimension of size {_with_name(m[3], s)}: the "
                   "index is drawn over the wrong range, or taken along the wrong dimension")),
    (r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)",
     lambda m, s: (f"a matrix product met ({m[1]}×{m[2]}) and ({m[3]}×{m[4]}): the inner sizes "
                   f"{_with_name(m[2], s)} and {_with_name(m[3], s)} must agree (a transpose or flatten is "
                   "missing or one too many)")),
    (r"shape '\[([-\d, ]+)\]' is invalid for input of size (\d+)",
     lambda m, s: (f"a view or reshape to [{m[1]}] cannot hold the {m[2]} values it was given: a size in "
                   "it is not the one this tensor has")),
    (r"Dimension out of range \(expected to be in range of \[(-?\d+), (-?\d+)\], but got (-?\d+)\)",
     lambda m, s: (f"dimension {m[3]} was asked of a tensor with only {int(m[2]) + 1} dimensions: the tensor "
                   "has fewer dimensions than the code expects (a reduction dropped one, or the wrong "
                   "tensor)")),
    (r"expanded size of the tensor \((\d+)\) must match the existing size \((\d+)\)",
     lambda m, s: (f"expand cannot turn a dimension of {_with_name(m[2], s)} into {_with_name(m[1], s)}: "
                   "only a dimension of size 1 can be expanded (give each label its own channel, then expand "
                   "the height and width)")),
    (r"Target size \(torch\.Size\(\[([\d, ]*)\]\)\) must be the same as input size "
     r"\(torch\.Size\(\[([\d, ]*)\]\)\)",
     lambda m, s: (f"the loss's target has shape ({m[1]}) where the logits have ({m[2]}): build the target "
                   "from the logits themselves (torch.ones_like(logits)), not from another tensor")),
    (r"tensors used as indices must be long, int, byte or bool",
     lambda m, s: ("an index tensor holds floats: indices must be integers (keep t a long tensor; .long() if "
                   "it was converted)")),
    (r"unsupported operand type\(s\) for .*'tuple'|'tuple' object has no attribute",
     lambda m, s: ("a tuple stands where a number or a tensor belongs: unpack it first (torch.autograd.grad "
                   "returns one gradient per input, `grad, = ...`; a layer's kernel_size and stride are "
                   "pairs, take [0])")),
    (r"can't be cast to the desired output type (\w+)",
     lambda m, s: (f"floats were to be written into an integer tensor ({m[1]}): an in-place operation (div_, "
                   "sub_, /=) on integers, or an integer target given to a loss that computes in floats; "
                   "convert first (x.float(), or build the target with torch.ones_like(logits))")),
    (r"all elements of input should be between 0 and 1",
     lambda m, s: ("F.binary_cross_entropy takes probabilities in [0, 1]; the inputs here are logits: use "
                   "F.binary_cross_entropy_with_logits, which applies the sigmoid itself")),
    (r"'NoneType'",
     lambda m, s: ("a value your code uses is None: .grad is filled only by .backward() (torch.autograd.grad "
                   "returns the gradients instead), and a function without `return` gives None")),
    (r"expected scalar type Long but found Float|Expected floating point type for target|"
     r"expected .*Long.*got.*Float",
     lambda m, s: ("the target classes must be integer indices (long): argmax gives the index of the largest "
                   "value, max(...)[0] its value")),
    (r"must be Tensor, not torch\.return_types\.(max|min|topk|sort)",
     lambda m, s: (f"`.{m[1]}(dim)` returns a pair (values, indices), not a tensor: take `.indices` (or "
                   "`.argmax(dim)`) for the classes, `.values` for the numbers")),
    (r"0D or 1D target tensor expected, multi-target not supported",
     lambda m, s: ("the class targets must be one index per row, shape (N,): a column (N, 1), as "
                   "topk(1).indices or keepdim=True give, needs .squeeze(1)")),
    (r"Index tensor must have the same number of dimensions as self tensor",
     lambda m, s: ("scatter_ and gather need an index with as many dimensions as the tensor they write: "
                   "the labels (B,) must become a column (B, 1) first (y.unsqueeze(1) or y[:, None])")),
    (r"Tensors must have same number of dimensions: got (\d+) and (\d+)",
     lambda m, s: (f"torch.cat joins tensors with as many dimensions each: one has {m[1]}, another {m[2]}: "
                   "bring them to the same shape first (unsqueeze, view or one_hot), then join")),
    (r"If dim is not specified but ord is, the input must be 1D or 2D",
     lambda m, s: ("torch.linalg.norm with ord= takes vectors or matrices, not image batches: an L1 "
                   "distance averaged over pixels is (a - b).abs().mean()")),
    (r"expected input\[[\d, ]+\] to have (\d+) channels, but got (\d+) channels",
     lambda m, s: (f"a convolution expected {_with_name(m[1], s)} input channels and got "
                   f"{_with_name(m[2], s)}: for a grouped convolution pass groups= (the batch folded into "
                   "the channels needs groups equal to the batch size)")),
    (r"expected a non-empty list of Tensors",
     lambda m, s: ("torch.cat was given an empty list: some input gave no output at all (every image "
                   "should get one, also while a buffer fills)")),
    (r"batch_size \((\d+)\) to match target batch_size \((\d+)\)",
     lambda m, s: (f"the targets count {m[2]} where the logits have {_with_name(m[1], s)} rows: one class "
                   "index per row, an argmax along the classes (dim=1), not over the flattened tensor")),
    (r"(argument must be a string or a real number|can't multiply sequence by non-int).*",
     lambda m, s: ("a tuple or list stands where one number or tensor belongs: return or use a single value "
                   "(unpack `grad, = torch.autograd.grad(...)`; return r, not (r, r))")),
    (r"'(\w+)' object is not reversible",
     lambda m, s: (f"your reversed() call was given a {m[1]}, which it cannot walk from the end: make a list "
                   "first ([m for m in ...] or list(...)), then reverse it")),
    (r'can only concatenate tuple \(not "(int|float)"\) to tuple',
     lambda m, s: ("a tuple stands where a number belongs: sizes such as conv.kernel_size, conv.stride and "
                   "x.shape are tuples (one entry per side or dimension); take the entry you mean, e.g. "
                   "conv.stride[0]")),
    (r"Class values must be smaller than num_classes",
     lambda m, s: ("a label is not below the number of classes F.one_hot was given: labels run from 0 to "
                   "num_classes − 1, so num_classes is the count of classes (10 for the digits 0..9)")),
    (r"Target (-?\d+) is out of bounds",
     lambda m, s: (f"the class index {m[1]} is outside 0 … C − 1, C the logits' classes: a class is an "
                   "index counted from 0 (not a digit plus 1, nor a count)")),
    (r"(\w+)\(\) takes (\d+) positional arguments? but (\d+) were given",
     lambda m, s: (f"{m[1]}() takes {m[2]} arguments by position and was given {m[3]}: the others are "
                   f"keyword-only, so name them (torch.add(a, b, alpha=α)), or one argument is too many")),
    (r"(conv[\w]*)\(\) received an invalid combination of arguments - got \(([^)]*)\)",
     lambda m, s: (f"{m[1]}'s arguments by position are (input, weight, bias, stride, padding, ...), and "
                   f"it was given ({m[2]}): a number in the bias's place? Name the options: "
                   "padding=..., stride=..., groups=...")),
    (r"grad can be implicitly created only for scalar outputs",
     lambda m, s: ("a gradient was asked of a result with many values: torch.autograd.grad(outputs, "
                   "inputs) takes the scalar loss first and what it differentiates by second, and "
                   ".backward() needs the loss reduced to one number")),
    (r"list index out of range",
     lambda m, s: ("an index ran past the end of a list: the index is drawn over the wrong range (the "
                   "batch's length where the list's belongs, or the other way round)")),
]


def precision_words(dtype):
    """(problem, hint) for a float result of ``dtype`` where the course's is float32."""
    if dtype == torch.float64:
        return ("returned float64, expected float32",
                "A float64 value (a NumPy number, or torch.tensor(..., dtype=torch.float64)) promoted "
                "your result; the networks compute in float32: build constants with dtype=torch.float32.")
    name = str(dtype).removeprefix("torch.")
    return (f"returned {name}, expected float32",
            f"Your result is in {name}, a lower precision (.half(), .bfloat16(), or a tensor of that dtype "
            "in the formula): its values are rounded. Compute in float32 (.float()).")


def error_words(error, sizes):
    """Words for an error a student's code raised, with the case's sizes named; or None."""
    text = str(error)
    for pattern, words in ERRORS:
        m = re.search(pattern, text)
        if m:
            return words(m, sizes)
    return None
