"""The course's procedural faces: deterministic, with labels, edges and factors that mean what they say."""

import pytest
import torch

import coursekit as ck
from coursekit import faces


def test_an_image_does_not_depend_on_its_batch():
    a = faces.faces(6, size=32, seed=3)
    b = faces.faces(3, size=32, seed=3, start=3)
    assert torch.equal(a.images[3:], b.images) and torch.equal(a.labels[3:], b.labels)
    assert not torch.equal(faces.faces(3, size=32, seed=4).images, a.images[:3])


@pytest.mark.parametrize("size", faces.SIZES)
def test_shapes_ranges_and_every_part_present(size):
    d = faces.faces(40, size=size, seed=0)
    assert d.images.shape == (40, 3, size, size) and d.labels.shape == (40, size, size)
    assert d.edges.shape == (40, 1, size, size) and set(d.edges.unique().tolist()) <= {-1.0, 1.0}
    assert d.images.min() >= -1 and d.images.max() <= 1
    assert set(d.labels.unique().tolist()) == set(range(len(faces.PARTS)))
    assert d.label_images().shape == (40, 3, size, size)


def _with(factors, **changes):
    return {**factors, **{k: torch.full_like(factors[k], v) for k, v in changes.items()}}


def test_glasses_add_glasses_pixels_and_nothing_else_moves_much():
    f = faces.sample_factors(8, seed=1)
    off, on = faces.faces(8, factors=_with(f, glasses=0)), faces.faces(8, factors=_with(f, glasses=1))
    glasses = faces.PARTS.index("glasses")
    assert (off.labels == glasses).sum() == 0 and ((on.labels == glasses).sum((1, 2)) > 20).all()
    changed = (on.labels != off.labels).float().mean()
    assert changed < 0.05  # only around the eyes


def test_closed_eyes_and_a_smile_change_their_parts():
    f = faces.sample_factors(8, seed=2)
    eyes = faces.PARTS.index("eyes")
    open_, shut = faces.faces(8, factors=_with(f, eyes_open=1)), faces.faces(8, factors=_with(f, eyes_open=0))
    assert ((open_.labels == eyes).sum((1, 2)) > (shut.labels == eyes).sum((1, 2))).all()
    mouth = faces.PARTS.index("mouth")
    rows = torch.arange(64).view(1, 64, 1).float()

    def mouth_row(d):  # the mean row of each face's mouth pixels
        m = d.labels == mouth
        return (rows * m).sum((1, 2)) / m.sum((1, 2))

    happy, sad = faces.faces(8, factors=_with(f, smile=1.0)), faces.faces(8, factors=_with(f, smile=-1.0))
    # a smile's centre sits lower than a frown's (rows grow downwards)
    assert (mouth_row(happy) > mouth_row(sad)).all()


def test_bald_faces_have_no_hair_and_long_hair_has_more():
    f = faces.sample_factors(8, seed=5)
    hair = faces.PARTS.index("hair")
    bald = faces.faces(8, factors=_with(f, hair_style=faces.HAIR_STYLES.index("bald")))
    long = faces.faces(8, factors=_with(f, hair_style=faces.HAIR_STYLES.index("long")))
    short = faces.faces(8, factors=_with(f, hair_style=faces.HAIR_STYLES.index("short")))
    assert (bald.labels == hair).sum() == 0
    assert ((long.labels == hair).sum((1, 2)) > (short.labels == hair).sum((1, 2))).all()


def test_the_data_module_serves_the_faces():
    assert torch.equal(ck.data.faces(2, size=32).images, faces.faces(2, size=32).images)


def test_bad_input_is_explained():
    f = faces.sample_factors(4)
    with pytest.raises(ValueError, match="size must be one of"):
        faces.faces(4, size=48)
    with pytest.raises(ValueError, match="'glasses' must be a class in 0..1"):
        faces.render(_with(f, glasses=2))
    with pytest.raises(ValueError, match="lack"):
        faces.render({"smile": f["smile"]})
    with pytest.raises(ValueError, match="positive int"):
        faces.faces(0)


def test_evaluation_models_shapes_and_scores():
    from coursekit.models import face_eval as fe

    d = faces.faces(4, size=32)
    torch.manual_seed(0)
    out = fe.AttributePredictor()(d.images)
    assert out["hair_style"].shape == (4, len(faces.HAIR_STYLES)) and out["smile"].shape == (4,)
    assert fe.attribute_loss(out, d.factors).dim() == 0
    assert fe.Segmenter()(d.images).shape == (4, len(faces.PARTS), 32, 32)
    perfect = fe.segmentation_scores(d.labels, d.labels)
    assert perfect["pixel_accuracy"] == perfect["mean_iou"] == 1.0
    assert set(perfect["iou"]) <= set(faces.PARTS) and all(v == 1.0 for v in perfect["iou"].values())
    all_background = fe.segmentation_scores(torch.zeros_like(d.labels), d.labels)
    assert all_background["mean_iou"] < 0.5 and 0 < all_background["pixel_accuracy"] < 1
    assert all_background["iou"]["skin"] == 0 and 0 < all_background["iou"]["background"] < 1
    with pytest.raises(ValueError, match="RGB images"):
        fe.AttributePredictor()(d.labels.float())


def test_detail_changes_the_photos_not_the_label_maps_and_does_not_depend_on_the_batch():
    flat, rich = faces.faces(6, size=64, seed=3), faces.faces(6, size=64, seed=3, detail=True)
    assert torch.equal(flat.labels, rich.labels) and torch.equal(flat.edges, rich.edges)
    assert (rich.images - flat.images).abs().mean() > 0.02
    later = faces.faces(3, size=64, seed=3, start=3, detail=True)
    assert torch.equal(rich.images[3:], later.images)
    assert rich.images.min() >= -1 and rich.images.max() <= 1


def test_detail_is_texture_the_label_map_does_not_decide():
    # two faces with the same factors (so the same label map) but different images differ in their
    # detail; the detail has more pixel-to-pixel variation than the flat colours, in every part
    from coursekit.models.pix2pix import texture

    f = faces.sample_factors(8, seed=2)
    a, b = faces.faces(8, factors=f, seed=2, detail=True), faces.faces(8, factors=f, seed=5, detail=True)
    assert torch.equal(a.labels, b.labels) and (a.images - b.images).abs().mean() > 0.02
    flat = faces.faces(8, factors=f)
    for part in ("background", "skin", "hair"):
        inside = (a.labels == faces.PARTS.index(part)).unsqueeze(1)
        shrunk = inside[..., 1:-1, 1:-1] & inside[..., :-2, 1:-1] & inside[..., 2:, 1:-1] \
            & inside[..., 1:-1, :-2] & inside[..., 1:-1, 2:]  # away from the part's edges
        across = lambda x: (x[..., 1:-1, 2:] - x[..., 1:-1, 1:-1]).abs()[shrunk.expand(-1, 3, -1, -1)].mean()  # noqa: E731
        assert across(a.images) > 2 * across(flat.images), part
    assert texture(a.images) > 1.3 * texture(flat.images)


def test_a_face_redrawn_with_a_changed_factor_keeps_its_detail():
    f = faces.sample_factors(4, seed=1)
    off = faces.faces(4, factors=_with(f, glasses=0), seed=1, detail=True)
    on = faces.faces(4, factors=_with(f, glasses=1), seed=1, detail=True)
    moved = torch.nn.functional.max_pool2d((off.labels != on.labels).float().unsqueeze(1), 5, 1, 2).squeeze(1)
    assert (on.images - off.images).abs().amax(1)[moved == 0].max() < 1e-5  # away from the glasses: the same


def test_detail_seeds_of_the_wrong_shape_are_named():
    with pytest.raises(ValueError, match="per-image seeds"):
        faces.render(faces.sample_factors(3), 32, detail=torch.arange(2))


def test_the_camera_blurs_grains_and_casts_some_photos_repeatably():
    from coursekit.models import face_eval, pix2pix

    photos = ck.data.faces(64, seed=3, detail=True).images
    seen = face_eval.through_camera(photos, torch.Generator().manual_seed(0))
    again = face_eval.through_camera(photos, torch.Generator().manual_seed(0))
    assert seen.shape == photos.shape and torch.equal(seen, again) and seen.abs().max() <= 1
    changed = (seen - photos).abs().flatten(1).mean(1) > 0.01
    assert 0.6 < changed.float().mean() < 1  # about 7 in 8 photos get at least one of the three
    torch.manual_seed(5)
    a = face_eval.through_camera(photos)
    torch.manual_seed(5)
    # the global generator: a resumed training repeats it
    assert torch.equal(a, face_eval.through_camera(photos))
    # each nuisance alone, as the camera draws it: a blur removes texture, a grain adds it
    blurred = face_eval.through_camera(photos[:1].expand(200, -1, -1, -1), torch.Generator().manual_seed(1))
    textures = torch.tensor([pix2pix.texture(x[None]) for x in blurred]) / pix2pix.texture(photos[:1])
    assert textures.min() < 0.8 and textures.max() > 1.2
